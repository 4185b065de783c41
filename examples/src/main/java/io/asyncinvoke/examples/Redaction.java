package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The keys a run of the command line must never print, and their removal from text: the one the
 * environment holds (found by {@link AsyncInvokeDefaults#apiKey}), any given with
 * {@code --api-key}, and the credentials of a {@code --redis} or {@code --store} URL ({@code redis://:password@host}),
 * read from the raw arguments since picocli may echo one in a parse error before any option is
 * parsed.
 */
final class Redaction {

    /** Hides nothing: for what is no secret of the user's, such as the key of a simulator of its own. */
    static final Redaction NONE = new Redaction(List.of());

    private final List<String> keys;

    private Redaction(List<String> keys) {
        this.keys = List.copyOf(keys);
    }

    static Redaction of(Function<String, String> environment, String... args) {
        List<String> keys = new ArrayList<>();
        AsyncInvokeDefaults.apiKey(null, environment).ifPresent(keys::add);
        for (int i = 0; i < args.length; i++) {
            String given = null;
            if (args[i].equals("--api-key") && i + 1 < args.length) {
                given = args[i + 1];
            } else if (args[i].startsWith("--api-key=")) {
                given = args[i].substring("--api-key=".length());
            }
            if (given != null && !given.isBlank()) {
                keys.add(given);
            }
            for (String option : new String[] {"--redis", "--store"}) {
                String url = args[i].equals(option) && i + 1 < args.length ? args[i + 1]
                        : args[i].startsWith(option + "=") ? args[i].substring(option.length() + 1) : null;
                keys.addAll(credentials(url));
            }
        }
        return new Redaction(keys);
    }

    /** The user and password of a URL such as {@code redis://user:password@host:6379}, longest first. */
    private static List<String> credentials(String url) {
        if (url == null) {
            return List.of();
        }
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = url.indexOf('/', start);
        int at = url.lastIndexOf('@', end < 0 ? url.length() : end);
        if (at <= start) {
            return List.of();
        }
        String userInfo = url.substring(start, at);
        List<String> secrets = new ArrayList<>();
        secrets.add(userInfo);
        int colon = userInfo.indexOf(':');
        if (colon >= 0 && colon + 1 < userInfo.length()) {
            secrets.add(userInfo.substring(colon + 1));
        }
        secrets.removeIf(String::isBlank);
        return secrets;
    }

    /** {@code text} with every key replaced by {@value AsyncInvokeDefaults#REDACTED}. */
    String apply(String text) {
        String redacted = text;
        for (String key : keys) {
            if (redacted != null) {
                redacted = redacted.replace(key, AsyncInvokeDefaults.REDACTED);
            }
        }
        return redacted;
    }
}
