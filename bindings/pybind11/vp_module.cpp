// valuepix_core._native — pybind11 binding of libvaluepix (linked statically).
//
// Thin on purpose: Python decides formats and specs (valuepix_core/preprocessing/), this module
// checks buffers, fills vp_image / vp_spec, releases the GIL around the native pass and turns a
// vp_status into (status, message) for the single Python mapping in valuepix_core.errors.
//
// Strided input rule: the source is any uint8 numpy array whose strides are all non-negative and
// whose memory span (computed from shape and strides) covers vp_image_bytes() for the given
// width / height / stride / format. Row padding is expressed by `stride`; pixels inside a row must
// be contiguous (the Python layer derives `stride` from the array and rejects anything else).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "valuepix.h"

namespace py = pybind11;

namespace {

struct NativeStatusError : std::runtime_error {
    int status;
    NativeStatusError(int s, const std::string &m) : std::runtime_error(m), status(s) {}
};

// Bytes of the array's memory from its data pointer to the end of its last element; -1 if any stride < 0.
long long array_span(const py::array &a) {
    long long end = a.itemsize();
    if (a.size() == 0) return 0;
    for (py::ssize_t i = 0; i < a.ndim(); i++) {
        if (a.strides(i) < 0) return -1;
        end += (long long)(a.shape(i) - 1) * (long long)a.strides(i);
    }
    return end;
}

void fill_spec(vp_spec &s, const py::tuple &t) {
    if (t.size() != 18) throw std::invalid_argument("spec tuple must have 18 fields");
    vp_spec_init(&s);
    s.out_width = t[0].cast<int32_t>();
    s.out_height = t[1].cast<int32_t>();
    s.resize = t[2].cast<int32_t>();
    s.shorter_side = t[3].cast<int32_t>();
    s.interp = t[4].cast<int32_t>();
    s.orientation = t[5].cast<int32_t>();
    s.roi_x = t[6].cast<int32_t>();
    s.roi_y = t[7].cast<int32_t>();
    s.roi_width = t[8].cast<int32_t>();
    s.roi_height = t[9].cast<int32_t>();
    s.channels = t[10].cast<int32_t>();
    s.layout = t[11].cast<int32_t>();
    s.dtype = t[12].cast<int32_t>();
    auto f3 = [](const py::handle &h, float *dst) {
        py::tuple v = h.cast<py::tuple>();
        if (v.size() != 3) throw std::invalid_argument("mean/std/pad must have 3 values");
        for (int i = 0; i < 3; i++) dst[i] = v[i].cast<float>();
    };
    f3(t[13], s.mean);
    f3(t[14], s.std);
    f3(t[15], s.pad_value);
    s.quant_scale = t[16].cast<float>();
    s.quant_zero_point = t[17].cast<int32_t>();
}

class Context {
  public:
    Context() {
        vp_status st = vp_ctx_create(VP_ABI_VERSION, &ctx_);
        if (st != VP_OK) throw NativeStatusError(st, vp_status_str(st));
    }
    ~Context() { vp_ctx_destroy(ctx_); }
    Context(const Context &) = delete;
    Context &operator=(const Context &) = delete;

    void set(int option, long long value) {
        vp_status st = vp_ctx_set(ctx_, (vp_option)option, value);
        if (st != VP_OK) throw NativeStatusError(st, vp_ctx_last_error(ctx_));
    }
    long long get(int option) const {
        int64_t v = 0;
        vp_status st = vp_ctx_get(ctx_, (vp_option)option, &v);
        if (st != VP_OK) throw NativeStatusError(st, vp_status_str(st));
        return (long long)v;
    }

    // Writes the tensor into `out` (a writable C-contiguous array of at least the queried size).
    void preprocess(const py::array &src, int width, int height, int stride, int format,
                    const py::tuple &spec_t, py::array &out) {
        if (src.dtype().kind() != 'u' || src.itemsize() != 1)
            throw NativeStatusError(VP_ERR_INVALID_ARGUMENT, "source must be a uint8 array");
        vp_image im;
        std::memset(&im, 0, sizeof im);
        im.data = static_cast<const uint8_t *>(src.data());
        im.width = width;
        im.height = height;
        im.stride_bytes = stride;
        im.format = format;
        size_t need = 0;
        vp_status st = vp_image_bytes(&im, &need);
        if (st != VP_OK) throw NativeStatusError(st, std::string("bad image geometry: ") + vp_status_str(st));
        long long span = array_span(src);
        if (span < 0) throw NativeStatusError(VP_ERR_INVALID_ARGUMENT, "negative strides are not accepted");
        if ((unsigned long long)span < need)
            throw NativeStatusError(VP_ERR_INVALID_ARGUMENT, "source buffer holds " + std::to_string(span) +
                                                                 " bytes, the image needs " + std::to_string(need));
        vp_spec spec;
        fill_spec(spec, spec_t);
        if (!out.writeable() || !(out.flags() & py::array::c_style))
            throw NativeStatusError(VP_ERR_INVALID_ARGUMENT, "output must be a writable C-contiguous array");
        size_t out_bytes = (size_t)out.nbytes();
        void *dst = out.mutable_data();
        {
            py::gil_scoped_release nogil;
            st = vp_preprocess(ctx_, &im, &spec, dst, out_bytes, nullptr, 0);
        }
        if (st != VP_OK) throw NativeStatusError(st, vp_ctx_last_error(ctx_));
    }

    py::tuple query(int width, int height, int stride, int format, const py::tuple &spec_t) {
        vp_image im;
        std::memset(&im, 0, sizeof im);
        static const uint8_t dummy = 0;
        im.data = &dummy; // geometry only; nothing is read
        im.width = width;
        im.height = height;
        im.stride_bytes = stride;
        im.format = format;
        vp_spec spec;
        fill_spec(spec, spec_t);
        size_t ob = 0, sb = 0;
        vp_status st = vp_preprocess_query(ctx_, &im, &spec, &ob, &sb);
        if (st != VP_OK) throw NativeStatusError(st, vp_ctx_last_error(ctx_));
        return py::make_tuple(ob, sb);
    }

  private:
    vp_ctx *ctx_ = nullptr;
};

} // namespace

PYBIND11_MODULE(_native, m) {
    m.doc() = "libvaluepix (fused native preprocessing), pybind11 binding";
    // Raised with args (status, message); valuepix_core.errors.error_from_status maps it.
    // Created once and kept for the life of the process (no static destructor at exit).
    static PyObject *exc = PyErr_NewException("valuepix_core._native.NativeStatusError", PyExc_RuntimeError, nullptr);
    m.attr("NativeStatusError") = py::handle(exc);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const NativeStatusError &e) {
            PyErr_SetObject(exc, py::make_tuple(e.status, e.what()).ptr());
        }
    });
    m.attr("ABI_VERSION") = VP_ABI_VERSION;
    m.def("abi_version", &vp_abi_version);
    m.def("version", []() { return std::string(vp_version_string()); });
    m.def("status_str", [](int s) { return std::string(vp_status_str((vp_status)s)); });
    py::class_<Context>(m, "Context")
        .def(py::init<>())
        .def("set", &Context::set)
        .def("get", &Context::get)
        .def("query", &Context::query)
        .def("preprocess", &Context::preprocess, py::arg("src"), py::arg("width"), py::arg("height"),
             py::arg("stride"), py::arg("format"), py::arg("spec"), py::arg("out"));
}
