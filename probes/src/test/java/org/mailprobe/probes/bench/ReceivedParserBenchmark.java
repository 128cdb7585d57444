package org.mailprobe.probes.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mailprobe.probes.received.ReceivedChain;
import org.mailprobe.probes.received.ReceivedCorpus;
import org.mailprobe.probes.received.ReceivedHostileInput;

/**
 * Received parsing speed: headers per second over the corpus, and the worst time of each hostile
 * chain. Prints, asserts nothing. Argument: seconds to spend on the corpus (default 3). Single
 * thread; the first second is warm-up and not counted. Run with
 *
 * <pre>
 * mvn -B -q -pl probes test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.mailprobe.probes.bench.ReceivedParserBenchmark
 * </pre>
 *
 * <p>The worst times include garbage collection and, on a shared machine, other processes; the
 * best times show the parser's own cost. The hostile chains are bounded by the caps
 * ({@link ReceivedChain#MAX_HOPS} headers of {@link org.mailprobe.probes.received.ReceivedHop#MAX_HEADER_CHARS}
 * characters), so the largest (100 headers of 1 MiB) costs about what 800 KiB of ordinary headers
 * cost.
 */
public final class ReceivedParserBenchmark {
    private ReceivedParserBenchmark() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<List<String>> corpus = new ArrayList<>();
        int headers = 0;
        for (String name : ReceivedCorpus.names()) {
            List<String> values = ReceivedCorpus.receivedValues(ReceivedCorpus.text(name + ".txt"));
            corpus.add(values);
            headers += values.size();
        }
        run(corpus, 1_000_000_000L);
        long start = System.nanoTime();
        long rounds = run(corpus, (long) (seconds * 1e9));
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("corpus: %d samples, %d headers; %.0f headers/s (%d rounds in %.2f s)%n",
                corpus.size(), headers, rounds * headers / elapsed, rounds, elapsed);

        System.out.println("hostile chains (best and worst of 20 runs, after one warm-up run):");
        for (Map.Entry<String, List<String>> e : ReceivedHostileInput.all().entrySet()) {
            ReceivedChain.parse(e.getValue());
            long worst = 0;
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                ReceivedChain.parse(e.getValue());
                long took = System.nanoTime() - t;
                worst = Math.max(worst, took);
                best = Math.min(best, took);
            }
            System.out.printf("  %-34s best %8.3f ms  worst %8.3f ms%n", e.getKey(), best / 1e6, worst / 1e6);
        }
    }

    private static long run(List<List<String>> corpus, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long rounds = 0;
        int sink = 0;
        while (System.nanoTime() < deadline) {
            for (List<String> values : corpus) {
                sink += ReceivedChain.parse(values).hops().size();
            }
            rounds++;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return rounds;
    }
}
