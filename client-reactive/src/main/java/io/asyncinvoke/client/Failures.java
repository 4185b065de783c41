package io.asyncinvoke.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/** How API calls and downloads alike read a network failure or an unexpected body. */
final class Failures {

    private Failures() {
    }

    static boolean isTimeout(Throwable failure) {
        return failure instanceof ReadTimeoutException || failure instanceof ConnectTimeoutException
                || failure instanceof TimeoutException;
    }

    /**
     * The TLS handshake failed (an untrusted or invalid certificate, no common protocol): nothing
     * was sent, and another attempt would fail the same way.
     */
    static boolean isTlsRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** The connection failed before anything was sent. */
    static boolean isConnectFailure(Throwable failure) {
        return failure instanceof ConnectException || failure instanceof ConnectTimeoutException
                || failure instanceof UnknownHostException || failure instanceof NoRouteToHostException;
    }

    /** {@code ExceptionName: message}, the message passed through {@code clean} (it came from the network). */
    static String cause(Throwable failure, UnaryOperator<String> clean) {
        String name = failure.getClass().getSimpleName();
        return failure.getMessage() == null ? name : name + ": " + clean.apply(failure.getMessage());
    }

    /**
     * The start of a body as one printable line: whitespace and control characters collapse into
     * single spaces, and an ellipsis marks a cut.
     */
    static String oneLine(byte[] body, int maxChars) {
        String text = new String(body, 0, Math.min(body.length, maxChars * 4), StandardCharsets.UTF_8);
        return printable(text, maxChars, body.length > maxChars * 4);
    }

    /**
     * Text from the network made safe to print: one line, without control characters (no escape
     * sequence reaches a terminal or forges a log line), without invisible formatting characters
     * (no bidi override reorders it), at most {@code maxChars} long with an ellipsis for the cut.
     */
    static String printable(String text, int maxChars) {
        return printable(text, maxChars, false);
    }

    private static String printable(String text, int maxChars, boolean cutBefore) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 1);
        boolean pendingSpace = false;
        int i = 0;
        for (; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                pendingSpace = out.length() > 0;
            } else if (Character.getType(c) == Character.FORMAT) {
                continue;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
        if (i < text.length() || cutBefore) {
            out.append('\u2026');
        }
        return out.toString();
    }
}
