package io.asyncinvoke.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Worker processes: real separate JVMs on this test's class path, their output collected;
 * {@link BudgetWorker}s started together ({@code GO} once all are ready), or any main class one at
 * a time ({@link Worker#start}), to be killed ({@code SIGKILL}) or stopped ({@code SIGTERM}). Used
 * by the tests and the P4-cluster benchmark.
 */
public final class Workers implements AutoCloseable {

    private final List<Worker> workers = new ArrayList<>();

    /** Starts {@code n} workers with the same arguments and waits until each is ready. */
    public static Workers start(int n, String... args) throws IOException, InterruptedException {
        Workers all = new Workers();
        for (int i = 0; i < n; i++) {
            all.workers.add(new Worker(i, BudgetWorker.class, List.of(args)));
        }
        for (Worker w : all.workers) {
            if (!w.ready.await(60, TimeUnit.SECONDS)) {
                all.close();
                throw new IllegalStateException("worker " + w.index + " did not start: " + w.lines);
            }
        }
        return all;
    }

    /**
     * How many requests each {@link BudgetWorker} sent while all of them had requests waiting: from
     * {@code settle} after the first request of any (once a budget's burst is spent) until the first
     * of them sent its last. A fair budget gives each about the same part.
     */
    public List<Long> contendedShares(java.time.Duration settle) {
        List<List<Long>> sent = workers.stream().map(Worker::sent).collect(Collectors.toList());
        long from = sent.stream().mapToLong(times -> times.get(0)).min().orElseThrow() + settle.toMillis();
        long until = sent.stream().mapToLong(times -> times.get(times.size() - 1)).min().orElseThrow();
        return sent.stream().map(times -> times.stream().filter(t -> t >= from && t < until).count())
                .collect(Collectors.toList());
    }

    /** Tells every worker to begin. */
    public void go() throws IOException {
        for (Worker w : workers) {
            w.stdin.write("GO\n".getBytes(StandardCharsets.UTF_8));
            w.stdin.flush();
        }
    }

    /** Waits for every worker to end, at most {@code timeout} overall; false if one did not. */
    public boolean await(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !w.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
            w.drained.await(10, TimeUnit.SECONDS);
        }
        return true;
    }

    public List<Worker> list() {
        return workers;
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.process.destroyForcibly();
        }
    }

    /** One worker process and what it printed. */
    public static final class Worker {
        final int index;
        final Process process;
        final OutputStream stdin;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch drained = new CountDownLatch(1);

        /** Starts {@code main} with {@code args} and waits until it prints a line starting with {@code READY}. */
        public static Worker start(Class<?> main, int index, List<String> args) throws IOException, InterruptedException {
            Worker w = new Worker(index, main, args);
            if (!w.ready.await(60, TimeUnit.SECONDS) || !w.process.isAlive()) {
                w.kill();
                throw new IllegalStateException("worker " + index + " did not start: " + w.lines);
            }
            return w;
        }

        Worker(int index, Class<?> main, List<String> args) throws IOException {
            this.index = index;
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-cp");
            command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
            command.add(main.getName());
            command.addAll(args);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            stdin = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                        if (line.startsWith("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                } finally {
                    ready.countDown();
                    drained.countDown();
                }
            }, "worker-" + index + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Kills it at once ({@code SIGKILL}): nothing of its own runs any more, as in a crash. */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Asks it to stop ({@code SIGTERM}), as an orchestrator does before a redeploy: its shutdown hooks run. */
        public void terminate() {
            process.destroy();
        }

        /** Waits for it to end; its exit code ({@code 143} after {@code SIGTERM}), or -1 if it is still running after {@code timeout}. */
        public int awaitExit(java.time.Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return -1;
            }
            drained.await(10, TimeUnit.SECONDS);
            return process.exitValue();
        }

        /** Everything it printed. */
        public List<String> lines() {
            return lines;
        }

        /** Its RESULT line as numbers. */
        public Map<String, Long> result() {
            Map<String, Long> values = new HashMap<>();
            for (String pair : printed("RESULT").split(" ")) {
                String[] kv = pair.split("=");
                values.put(kv[0], Long.parseLong(kv[1]));
            }
            return values;
        }

        /** When its requests got past the budget (epoch milliseconds, in order), from its SENT line. */
        public List<Long> sent() {
            String times = printed("SENT");
            return times.isEmpty() ? List.of() : Arrays.stream(times.split(",")).map(Long::valueOf).collect(Collectors.toList());
        }

        /** What follows {@code tag} on the line it printed with that tag first. */
        private String printed(String tag) {
            for (String line : lines) {
                if (line.equals(tag) || line.startsWith(tag + " ")) {
                    return line.substring(tag.length()).trim();
                }
            }
            throw new IllegalStateException("worker " + index + " printed no " + tag + " line: " + lines);
        }

        /** How many lines contain {@code text}. */
        public long count(String text) {
            return lines.stream().filter(l -> l.contains(text)).count();
        }

        @Override
        public String toString() {
            return "worker " + index + ": " + String.join("\n  ", lines);
        }
    }
}
