package com.valuepix;

/** A libvaluepix call failed: {@link #status} is the vp_status code, the message the context's last error. */
public final class ValuePixException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** vp_status value (see {@link Native} STATUS_* constants). */
    public final int status;

    public ValuePixException(int status, String message) {
        super(message);
        this.status = status;
    }
}
