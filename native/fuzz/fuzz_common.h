/* Shared helpers of the libvaluepix fuzz targets: a byte reader that turns the fuzzer's input into
 * typed fields (exhausted input reads as zeros, so every input is valid), and FUZZ_CHECK, which
 * aborts on a broken invariant so libFuzzer and the replay driver both report it.
 * Fuzz code, not library code: aborting here is the point. */
#ifndef VP_FUZZ_COMMON_H
#define VP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

typedef struct fz_reader {
    const uint8_t *p;
    size_t n;
} fz_reader;

static uint8_t fz_u8(fz_reader *r) {
    uint8_t v = 0;
    if (r->n) { v = *r->p++; r->n--; }
    return v;
}
static uint16_t fz_u16(fz_reader *r) { uint16_t a = fz_u8(r); return (uint16_t)(a | (uint16_t)fz_u8(r) << 8); }
static uint32_t fz_u32(fz_reader *r) { uint32_t a = fz_u16(r); return a | (uint32_t)fz_u16(r) << 16; }
static uint64_t fz_u64(fz_reader *r) { uint64_t a = fz_u32(r); return a | (uint64_t)fz_u32(r) << 32; }
static int32_t fz_i32(fz_reader *r) { return (int32_t)fz_u32(r); }
static float fz_f32(fz_reader *r) { uint32_t u = fz_u32(r); float f; memcpy(&f, &u, sizeof f); return f; }

/* Mostly-sane int: with a flag byte, either a value in [lo, hi] or (1 in 8) any int32. */
static int32_t fz_range(fz_reader *r, int32_t lo, int32_t hi) {
    uint8_t sel = fz_u8(r);
    if ((sel & 7) == 7) return fz_i32(r);
    return lo + (int32_t)(fz_u32(r) % (uint32_t)(hi - lo + 1));
}
/* Mostly-sane float: a small value in 0..255 in 1/16 steps, or (1 in 8) any bit pattern. */
static float fz_float(fz_reader *r) {
    uint8_t sel = fz_u8(r);
    if ((sel & 7) == 7) return fz_f32(r);
    return (float)(fz_u16(r) % 4096) / 16.0f;
}

#endif
