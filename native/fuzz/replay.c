/* Regression driver: runs every file given on the command line (or every file inside a given
 * directory) through the target's LLVMFuzzerTestOneInput, without libFuzzer, so the saved corpus
 * replays in ordinary CI with any C compiler (zstd's tests/fuzz/regression_driver.c is the model).
 * Exit status 0 when every input ran; a target's broken invariant aborts, a sanitizer reports. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *count) {
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;
    if (!f) { fprintf(stderr, "replay: cannot open %s\n", path); return 1; }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        fprintf(stderr, "replay: cannot size %s\n", path);
        return 1;
    }
    /* exactly len bytes (at least 1 for malloc), so a sanitizer sees any read past the input */
    buf = (uint8_t *)malloc(len ? (size_t)len : 1u);
    if (!buf || (len && fread(buf, 1, (size_t)len, f) != (size_t)len)) {
        fclose(f);
        free(buf);
        fprintf(stderr, "replay: cannot read %s\n", path);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)len);
    free(buf);
    (*count)++;
    return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int run_path(const char *path, size_t *count) {
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;
    if (stat(path, &st) != 0) { fprintf(stderr, "replay: no such path %s\n", path); return 1; }
    if (!S_ISDIR(st.st_mode)) return run_file(path, count);
    d = opendir(path);
    if (!d) { fprintf(stderr, "replay: cannot open directory %s\n", path); return 1; }
    while ((e = readdir(d)) != NULL) {
        size_t len;
        char *full;
        if (e->d_name[0] == '.') continue;
        len = strlen(path) + strlen(e->d_name) + 2;
        full = (char *)malloc(len);
        if (!full) { rc = 1; break; }
        snprintf(full, len, "%s/%s", path, e->d_name);
        if (n == cap) {
            char **nn = (char **)realloc(names, (cap ? cap * 2 : 64) * sizeof *names);
            if (!nn) { free(full); rc = 1; break; }
            names = nn;
            cap = cap ? cap * 2 : 64;
        }
        names[n++] = full;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_names); /* deterministic order */
    for (i = 0; i < n; i++) {
        if (!rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) rc = run_file(names[i], count);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv) {
    size_t count = 0;
    int i, rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s <corpus dir or file>...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc && !rc; i++) rc = run_path(argv[i], &count);
    if (rc) return 1;
    if (count == 0) { fprintf(stderr, "replay: no inputs found\n"); return 1; }
    printf("%s: %zu inputs replayed, no failures\n", argv[0], count);
    return 0;
}
