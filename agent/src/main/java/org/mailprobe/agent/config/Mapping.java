package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One YAML mapping of the config, at a key path, with typed getters. Every getter reports a
 * problem under the key's full path and returns null for a missing, null or invalid value, so the
 * caller takes its default (the load fails anyway if anything was reported). Unknown keys are
 * reported when the view is made.
 */
final class Mapping {
    private final Problems problems;
    private final String path;
    private final JsonNode node;
    private final Path baseDir;

    private Mapping(Problems problems, String path, JsonNode node, Path baseDir) {
        this.problems = problems;
        this.path = path;
        this.node = node;
        this.baseDir = baseDir;
    }

    /**
     * A view of {@code node} with only {@code keys} allowed (any key if null); null (reported) if it
     * is not a mapping.
     */
    static @Nullable Mapping of(Problems problems, String path, JsonNode node, Path baseDir, List<String> keys) {
        return of(problems, path, node, baseDir, keys, Map.of());
    }

    /**
     * As {@link #of(Problems, String, JsonNode, Path, List)}, but a key in {@code refused} is
     * reported with its own message: a key this mapping does not take though a similar one does
     * (a route's other kinds), or an old name, each saying what to write instead.
     */
    static @Nullable Mapping of(Problems problems, String path, JsonNode node, Path baseDir, List<String> keys,
            Map<String, String> refused) {
        if (!node.isObject()) {
            problems.add(path, "must be a mapping of keys to values, not " + describe(node));
            return null;
        }
        Mapping m = new Mapping(problems, path, node, baseDir);
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = entry.getKey();
            String why = refused.get(name);
            if (why != null) {
                problems.add(m.pathOf(name), why);
            } else if (keys != null && !keys.contains(name)) {
                String near = nearest(name, keys);
                problems.add(m.pathOf(name), near != null
                        ? "unknown key; did you mean '" + near + "'?"
                        : "unknown key; expected one of: " + String.join(", ", keys));
            }
        }
        return m;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Problems problems() {
        return problems;
    }

    Path baseDir() {
        return baseDir;
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    /** The value at {@code key}; null if missing or YAML null. */
    @Nullable JsonNode raw(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    /** The entries in the file's order. */
    List<Map.Entry<String, JsonNode>> entries() {
        return new ArrayList<>(node.properties());
    }

    /** A nested mapping; null if missing. */
    @Nullable Mapping mapping(String key, List<String> keys) {
        JsonNode value = raw(key);
        return value == null ? null : of(problems, pathOf(key), value, baseDir, keys);
    }

    /** A non-empty string; never echoes a non-string value (it might be a secret). */
    @Nullable String string(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(pathOf(key), "must be a string, not " + describe(value) + " (quote it)");
            return null;
        }
        if (value.asText().isBlank()) {
            problems.add(pathOf(key), "is empty");
            return null;
        }
        return value.asText();
    }

    @Nullable String requiredString(String key) {
        requirePresent(key);
        return string(key);
    }

    /** A string that must match {@code pattern}, described as {@code what} in the problem. */
    @Nullable String id(String key, Pattern pattern, boolean required) {
        String value = required ? requiredString(key) : string(key);
        if (value != null && !pattern.matcher(value).matches()) {
            problems.add(pathOf(key), "'" + value + "' " + ConfigLoader.ID_RULE);
            return null;
        }
        return value;
    }

    @Nullable Boolean bool(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            problems.add(pathOf(key), "must be true or false, not " + describe(value));
            return null;
        }
        return value.booleanValue();
    }

    @Nullable Duration duration(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            problems.add(pathOf(key), "'" + value.asText() + "' has no unit; write e.g. " + value.asText()
                    + "s (units: ms, s, m, h, d)");
            return null;
        }
        if (!value.isTextual()) {
            problems.add(pathOf(key), "must be a duration such as 10s, not " + describe(value));
            return null;
        }
        try {
            return Durations.parse(value.asText());
        } catch (IllegalArgumentException e) {
            problems.add(pathOf(key), String.valueOf(e.getMessage()));
            return null;
        }
    }

    /** A duration of at least {@code min}. */
    @Nullable Duration duration(String key, Duration min) {
        Duration value = duration(key);
        if (value != null && value.compareTo(min) < 0) {
            problems.add(pathOf(key), Durations.format(value) + " is too short; the least is " + Durations.format(min));
            return null;
        }
        return value;
    }

    /** A duration of more than zero. */
    @Nullable Duration positiveDuration(String key) {
        Duration value = duration(key);
        if (value != null && (value.isZero() || value.isNegative())) {
            problems.add(pathOf(key), "must be more than 0");
            return null;
        }
        return value;
    }

    @Nullable Integer port(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > 65535) {
            String shown = value.isValueNode() ? "'" + value.asText() + "'" : describe(value);
            problems.add(pathOf(key), shown + " is not a port number; use 1 to 65535");
            return null;
        }
        return value.intValue();
    }

    /** A whole number from {@code min} to {@code max}. */
    @Nullable Integer integer(String key, int min, int max) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            String shown = value.isValueNode() ? "'" + value.asText() + "'" : describe(value);
            problems.add(pathOf(key), shown + " is not a whole number from " + min + " to " + max);
            return null;
        }
        return value.intValue();
    }

    /** A file name resolved against the config file's directory; whether it exists is the caller's business. */
    @Nullable Path file(String key) {
        String name = string(key);
        return name == null ? null : baseDir.resolve(name).normalize();
    }

    /** A list; null (reported) if the value is not one. */
    @Nullable List<JsonNode> list(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            problems.add(pathOf(key), "must be a list, not " + describe(value));
            return null;
        }
        List<JsonNode> items = new ArrayList<>();
        value.elements().forEachRemaining(items::add);
        return items;
    }

    /** Reports {@code key} as required if it is missing or null; true if present. */
    boolean requirePresent(String key) {
        if (!has(key)) {
            problems.add(pathOf(key), "is required");
            return false;
        }
        return true;
    }

    /** The kind of a YAML value, without its content. */
    static String describe(JsonNode value) {
        switch (value.getNodeType()) {
            case ARRAY:
                return "a list";
            case OBJECT:
                return "a mapping";
            case BOOLEAN:
                return "a boolean";
            case NUMBER:
                return "a number";
            case STRING:
                return "a string";
            case NULL:
            case MISSING:
                return "nothing";
            default:
                return "a " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The candidate within edit distance 2 of {@code name} (and closer than its length), if any. */
    static @Nullable String nearest(String name, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= 2 && bestDistance < name.length() ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
