// The public header must compile as C++ (extern "C", no C-only constructs).
#include "valuepix.h"
int main() {
    vp_ctx *ctx = nullptr;
    vp_spec spec;
    vp_spec_init(&spec);
    if (vp_ctx_create(VP_ABI_VERSION, &ctx) != VP_OK) return 1;
    vp_ctx_destroy(ctx);
    return 0;
}
