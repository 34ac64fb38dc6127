/* Reads a vp_spec from fuzz input: mostly-sane values with occasional arbitrary ones (fz_range /
 * fz_float), so both the validation and the computing paths are explored. */
#ifndef VP_FUZZ_SPEC_H
#define VP_FUZZ_SPEC_H
#include "valuepix.h"
#include "fuzz_common.h"

static void fz_spec(fz_reader *r, vp_spec *sp, int max_out) {
    int c;
    uint8_t f = fz_u8(r);
    vp_spec_init(sp);
    if ((f & 15) == 15) sp->struct_size = fz_u32(r); /* ABI mismatch path */
    sp->out_width = fz_range(r, 1, max_out);
    sp->out_height = fz_range(r, 1, max_out);
    sp->resize = fz_range(r, 0, 2);
    sp->shorter_side = (f & 16) ? fz_range(r, 0, 2 * max_out) : 0;
    sp->interp = fz_range(r, 0, 2);
    sp->orientation = fz_range(r, 0, 8);
    if (f & 32) {
        sp->roi_x = fz_range(r, 0, 64);
        sp->roi_y = fz_range(r, 0, 64);
        sp->roi_width = fz_range(r, 0, 256);
        sp->roi_height = fz_range(r, 0, 256);
    }
    sp->channels = fz_range(r, 0, 2);
    sp->layout = fz_range(r, 0, 1);
    sp->dtype = fz_range(r, 0, 2);
    if (f & 64) {
        for (c = 0; c < 3; c++) {
            sp->mean[c] = fz_float(r);
            sp->std[c] = fz_float(r);
            sp->pad_value[c] = fz_float(r);
        }
    }
    if (f & 128) {
        sp->quant_scale = fz_float(r) / 64.0f;
        sp->quant_zero_point = fz_range(r, -128, 255);
    }
}
#endif
