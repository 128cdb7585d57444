package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.filter.FilterSample;
import org.mailprobe.probes.filter.SampleCorpus;
import org.mailprobe.probes.filter.SampleCorpusException;
import org.mailprobe.probes.filter.TagRule;

/** Reads one {@code kind: filter} route (docs/CONFIG.md, "Filter routes"), its name already checked. */
// Not checked by NullAway, for the reason RouteReader gives: a record is built only when no problem
// was recorded since the reader began.
@SuppressWarnings("NullAway")
final class FilterRouteReader {
    static final String KIND = "filter";
    /** The keys of loop and receive routes that mean the same here (docs/CONFIG.md's route table), and filter. */
    static final List<String> KEYS = List.of("name", "kind", "interval", "timeout", "from_address", "to",
            "deliver_via", "starttls", "helo", "submit_via", "from", "watch", "filter");
    /** The keys of the first draft of this route, each with what to write instead. */
    static final Map<String, String> RENAMED = Map.of(
            "sender", "unknown key; a filter route names its sender with from_address, as a receive route does",
            "direct", "unknown key; a filter route gives deliver_via, starttls and helo at the route's level, as a "
                    + "receive route does",
            "watches", "unknown key; a filter route watches with watch: [{path: imap, server: ...}]");
    /** A loop route's watch keys, less those {@link #REFUSED_WATCH_KEYS} names. */
    static final List<String> WATCH_KEYS = List.of("path", "server", "account", "folders", "junk_folders",
            "delete_probes");
    /** A loop route's watch keys that a filter watch does not take, each with why. */
    static final Map<String, String> REFUSED_WATCH_KEYS = Map.of(
            "idle", "a filter watch does not take idle: it searches its folders at each look of a batch and never "
                    + "waits in IDLE",
            "poll_interval", "a filter watch does not take poll_interval: it looks on the batch's own schedule "
                    + "(docs/CONFIG.md, \"Filter routes\")",
            "junk_counts_as_delivered", "a filter watch does not take junk_counts_as_delivered: a sample found in "
                    + "Junk is the outcome junk",
            "folder", "a filter watch does not take folder: it searches several, give folders (default [INBOX, "
                    + "\"\\\\Junk\"])");
    static final List<String> FILTER_KEYS = List.of("samples", "corpus", "spam_tags", "virus_tags");
    static final List<String> TAG_KEYS = List.of("header", "pattern");
    /** A header field name: printable US-ASCII but the colon (RFC 5322 section 2.2). */
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");

    private final RouteReader routes;
    private final Mapping r;
    private final Problems problems;
    /** The corpus's samples, read once at load (each file parsed here: a bad one is a config problem). */
    private List<FilterSample> corpusSamples = List.of();

    FilterRouteReader(RouteReader routes, Mapping r) {
        this.routes = routes;
        this.r = r;
        this.problems = routes.problems();
    }

    /** True if {@code item} is a mapping that says {@code kind: filter}. */
    static boolean isFilter(JsonNode item) {
        JsonNode kind = item.get("kind");
        return item.isObject() && kind != null && kind.isTextual()
                && kind.asText().trim().toLowerCase(Locale.ROOT).equals(KIND);
    }

    @Nullable FilterRouteConfig read() {
        int before = problems.count();
        String name = r.string("name");
        Duration interval = r.duration("interval", Defaults.MIN_INTERVAL);
        Duration timeout = r.positiveDuration("timeout");
        // An old key already says what to write instead; "is required" of the new one would say it twice.
        String sender = r.has("sender") && !r.has("from_address") ? null : routes.address(r, "from_address");
        AccountConfig to = routes.account(r, "to", true);
        DirectDeliveryConfig direct = routes.direct(r);
        ServerConfig submitVia = null;
        AccountConfig from = null;
        if (r.has("submit_via") || r.has("from")) {
            submitVia = r.has("submit_via") ? routes.server(r, "submit_via", Protocol.SMTP, "submit_via") : null;
            from = r.has("from") ? routes.account(r, "from", false) : null;
            if (!r.has("from")) {
                problems.add(r.pathOf("from"), "is required with submit_via: the account that submits the "
                        + "outbound samples");
            }
            if (!r.has("submit_via")) {
                problems.add(r.pathOf("submit_via"), "is required with from: the submission server outbound "
                        + "samples go through");
            }
        }
        FilterWatchConfig watch = watch(to);
        Mapping f = r.mapping("filter", FILTER_KEYS);
        List<String> variants = f == null ? Defaults.FILTER_SAMPLES : variants(f);
        Path corpus = f == null ? null : corpus(f);
        List<TagRule> spamTags = f == null ? Defaults.SPAM_TAGS : tags(f, "spam_tags", Defaults.SPAM_TAGS);
        List<TagRule> virusTags = f == null ? Defaults.VIRUS_TAGS : tags(f, "virus_tags", Defaults.VIRUS_TAGS);
        if (variants != null && variants.isEmpty() && corpus == null && f != null && f.has("samples")) {
            problems.add(f.pathOf("samples"), "is empty and there is no corpus: the route would send nothing");
        }
        if (problems.count() > before || sender == null || to == null || direct == null || watch == null
                || variants == null || spamTags == null || virusTags == null
                || ((r.has("submit_via") || r.has("from")) && (submitVia == null || from == null))) {
            return null;
        }
        List<FilterSample> samples = new ArrayList<>(SampleCorpus.builtIns(variants));
        samples.addAll(corpusSamples);
        if (samples.isEmpty()) {
            problems.add(f.pathOf("corpus"), "has no .eml file under virus/, spam/ or clean/, and samples is "
                    + "empty: the route would send nothing");
            return null;
        }
        return new FilterRouteConfig(name, interval != null ? interval : Defaults.FILTER_INTERVAL,
                timeout != null ? timeout : Defaults.FILTER_TIMEOUT, sender, to, direct, submitVia, from, watch,
                variants, corpus, samples, spamTags, virusTags);
    }

    /** {@code watch:}: one IMAP watch of {@code to}'s mailbox, with a loop route's watch keys. */
    private @Nullable FilterWatchConfig watch(@Nullable AccountConfig to) {
        if (r.has("watches") && !r.has("watch")) {
            return null;
        }
        if (!r.requirePresent("watch")) {
            return null;
        }
        List<JsonNode> items = r.list("watch");
        if (items == null) {
            return null;
        }
        if (items.size() != 1) {
            problems.add(r.pathOf("watch"), "needs exactly one watch (an imap mailbox with its folders), not "
                    + items.size());
            return null;
        }
        Mapping w = Mapping.of(problems, r.pathOf("watch") + "[0]", items.get(0), r.baseDir(), WATCH_KEYS,
                REFUSED_WATCH_KEYS);
        if (w == null) {
            return null;
        }
        int before = problems.count();
        boolean imap = imapPath(w);
        ServerConfig server = imap ? routes.server(w, "server", Protocol.IMAP, "path " + AccessPath.IMAP.label())
                : routes.server(w, "server", null, null);
        AccountConfig account = w.has("account") ? routes.account(w, "account", false) : to;
        if (account != null && to != null && !account.name().equals(to.name())) {
            problems.add(w.pathOf("account"), "'" + account.name() + "' is not the route's to ('" + to.name()
                    + "'): samples are sent to " + to.name() + " only, so another mailbox would never see them");
        }
        List<String> folders = folders(w);
        List<String> junk = folders == null ? null : routes.junkFolders(w, AccessPath.IMAP, folders);
        Boolean delete = w.bool("delete_probes");
        if (problems.count() > before || !imap || server == null || account == null || folders == null
                || junk == null) {
            return null;
        }
        return new FilterWatchConfig(server, account, folders, junk,
                delete != null ? delete : Defaults.FILTER_DELETE_SAMPLES);
    }

    /** True if the watch's {@code path} is imap; else false, reported. */
    private boolean imapPath(Mapping w) {
        String text = w.requiredString("path");
        if (text == null) {
            return false;
        }
        String path = text.toLowerCase(Locale.ROOT);
        if (path.equals(AccessPath.IMAP.label())) {
            return true;
        }
        problems.add(w.pathOf("path"), path.equals(AccessPath.POP3.label())
                ? "a filter route watches by imap only: POP3 sees only INBOX, so it cannot tell Junk from the inbox"
                : path.equals(AccessPath.WEBMAIL.label())
                ? "a filter route watches by imap only: a webmail watch sees one folder's message list, not the "
                        + "headers and attachments a sample is classified by"
                : "'" + text + "' is not an access path; a filter route watches by imap");
        return false;
    }

    /** {@code folders:} as a loop route's IMAP watch reads it, with the filter route's default. */
    private @Nullable List<String> folders(Mapping w) {
        if (!w.has("folders")) {
            return Defaults.FILTER_FOLDERS;
        }
        List<String> names = routes.names(w, "folders");
        if (names != null && names.isEmpty()) {
            problems.add(w.pathOf("folders"), "needs at least one folder");
            return null;
        }
        return names;
    }

    /** {@code filter.samples}: built-in variant names, each known and once. */
    private @Nullable List<String> variants(Mapping f) {
        if (!f.has("samples")) {
            return Defaults.FILTER_SAMPLES;
        }
        List<String> names = strings(f, "samples");
        if (names == null) {
            return null;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!Defaults.FILTER_SAMPLES.contains(name)) {
                String near = Mapping.nearest(name, Defaults.FILTER_SAMPLES);
                problems.add(f.pathOf("samples") + "[" + i + "]", "unknown sample '" + name + "'; "
                        + (near != null ? "did you mean '" + near + "'? " : "") + "built-in samples: "
                        + String.join(", ", Defaults.FILTER_SAMPLES) + " (a customer's own go in corpus)");
                return null;
            }
            if (!seen.add(name)) {
                problems.add(f.pathOf("samples") + "[" + i + "]", "'" + name + "' is listed twice");
                return null;
            }
        }
        return List.copyOf(seen);
    }

    private @Nullable Path corpus(Mapping f) {
        Path dir = f.file("corpus");
        if (dir == null) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            problems.add(f.pathOf("corpus"), Files.exists(dir) ? dir + " is not a directory"
                    : "directory " + dir + " does not exist");
            return null;
        }
        try {
            corpusSamples = SampleCorpus.load(dir);
        } catch (SampleCorpusException e) {
            problems.add(f.pathOf("corpus"), String.valueOf(e.getMessage()));
            return null;
        }
        return dir;
    }

    /** {@code spam_tags}/{@code virus_tags}: header and pattern, the pattern compiled here. */
    private @Nullable List<TagRule> tags(Mapping f, String key, List<TagRule> defaults) {
        if (!f.has(key)) {
            return defaults;
        }
        List<JsonNode> items = f.list(key);
        if (items == null) {
            return null;
        }
        List<TagRule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Mapping t = Mapping.of(problems, f.pathOf(key) + "[" + i + "]", items.get(i), f.baseDir(), TAG_KEYS);
            if (t == null) {
                continue;
            }
            String header = t.requiredString("header");
            if (header != null && !FIELD_NAME.matcher(header).matches()) {
                problems.add(t.pathOf("header"), "'" + header + "' is not a header name (printable characters, "
                        + "no spaces or colon)");
                header = null;
            }
            String pattern = t.requiredString("pattern");
            Pattern compiled = null;
            if (pattern != null) {
                try {
                    compiled = Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    problems.add(t.pathOf("pattern"), "'" + pattern + "' is not a regular expression: "
                            + e.getDescription());
                }
            }
            if (header != null && compiled != null) {
                rules.add(new TagRule(header, compiled));
            }
        }
        return rules.size() == items.size() ? rules : null;
    }

    /** A list of non-empty strings; null (reported) if it is not one. */
    private @Nullable List<String> strings(Mapping m, String key) {
        List<JsonNode> items = m.list(key);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                problems.add(m.pathOf(key) + "[" + i + "]", "must be a non-empty string, not "
                        + (item.isTextual() ? "an empty one" : Mapping.describe(item)));
                return null;
            }
            out.add(item.asText().trim());
        }
        return out;
    }
}
