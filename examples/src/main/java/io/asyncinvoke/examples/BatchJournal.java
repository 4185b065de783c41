package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.client.AsyncInvokeJson;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * The journal of a {@code batch} ({@code --journal FILE}): what became of each line, appended as
 * JSON Lines and on disk (fsync) before the batch acts on it, so that a batch killed at any moment
 * can be run again without losing or duplicating a job.
 *
 * <ul>
 *   <li>{@code {"journal": "async-invoke batch", "version": 1, "input_sha256": "..."}} first: the
 *       journal refuses any other input;</li>
 *   <li>{@code {"line": N, "state": "submitting"}} before line N's submit is sent;</li>
 *   <li>{@code {"line": N, "state": "submitted", "request_id": "..."}} as soon as the submit answers;</li>
 *   <li>{@code {"line": N, "state": "unsent"}} when the submit was refused and provably created no job;</li>
 *   <li>{@code {"line": N, "state": "ended", "result": {...}}} when the line ends, with what it printed.</li>
 * </ul>
 *
 * <p>Only the state of each line is kept in memory (a byte per line, and the request_ids of the jobs
 * in flight), never a result. Every write happens on the journal's own thread, never on an event
 * loop: writes that arrive together share one fsync. When superseded records outnumber the live
 * ones, the journal is rewritten with the live ones alone, to a temporary file renamed over it.
 * A torn last line (a crash in the middle of a write) is dropped with a warning when the journal is
 * read. When a write fails (a full disk), the journal stops: nothing more is written, and the
 * batch sends nothing more.
 */
final class BatchJournal implements AutoCloseable {

    /** How the journal opens its files: the real file system, or, in tests, one that fails. */
    interface Storage {
        Storage REAL = FileChannel::open;

        FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
    }

    /** A journal that cannot be read or written; the message names the file and says why. */
    static final class JournalException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        JournalException(String message, IOException cause) {
            super(message, cause);
        }
    }

    static final byte FRESH = 0;
    static final byte SUBMITTING = 1;
    static final byte SUBMITTED = 2;
    static final byte ENDED = 3;

    private static final String KIND = "async-invoke batch";
    private static final int VERSION = 1;
    private static final int COMPACT_AT_LEAST = 10_000;
    private static final ObjectMapper JSON = AsyncInvokeJson.newObjectMapper();
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    private static final Set<OpenOption> REWRITE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);

    private record Pending(int line, byte state, String requestId, byte[] bytes, CompletableFuture<Void> done) {
    }

    private final Path path;
    private final String display;
    private final Storage storage;
    private final String inputSha256;
    private final int compactAtLeast;
    /** Each line's state; written on the journal's thread only, once the batch runs. */
    private final byte[] states;
    /** The request_ids of lines submitted and not ended: written on the journal's thread, read by the batch's. */
    private final Map<Integer, String> requestIds = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "async-invoke-journal");
        t.setDaemon(true);
        return t;
    });
    private FileChannel channel;
    private FileLock lock;
    private long size;
    /** Records after the header, and how many of them are the last of a line not {@link #FRESH}. */
    private long records;
    private long live;
    /** How many superseded records make the journal worth compacting. */
    private long compactAt;
    private long compactions;
    private volatile JournalException broken;

    private BatchJournal(Path path, Storage storage, String inputSha256, int lastLine, int compactAtLeast) {
        this.path = path;
        this.display = path.toString();
        this.storage = storage;
        this.inputSha256 = inputSha256;
        this.compactAtLeast = compactAtLeast;
        this.compactAt = compactAtLeast;
        this.states = new byte[lastLine + 1];
    }

    /**
     * Opens the journal at {@code path} for the input {@code input} describes, creating it if it is
     * missing or empty, and reads what it recorded; {@code warn} receives a note about a torn last
     * line, which is removed.
     *
     * @throws IllegalArgumentException when the journal belongs to another input, is not a journal,
     *         is damaged, or is in use by another batch
     * @throws JournalException when it cannot be read or written
     */
    static BatchJournal open(Path path, Storage storage, BatchInput.Summary input, Consumer<String> warn) {
        return open(path, storage, input, warn, COMPACT_AT_LEAST);
    }

    static BatchJournal open(Path path, Storage storage, BatchInput.Summary input, Consumer<String> warn,
            int compactAtLeast) {
        BatchJournal journal = new BatchJournal(path, storage, input.sha256(), input.lastLine(), compactAtLeast);
        try {
            journal.load(warn);
        } catch (RuntimeException e) {
            journal.closeChannel();
            journal.thread.shutdownNow();
            throw e;
        }
        return journal;
    }

    private void load(Consumer<String> warn) {
        try {
            Files.deleteIfExists(compacting());
            boolean exists = Files.exists(path) && Files.size(path) > 0;
            long good = exists ? read(warn) : 0;
            channel = storage.open(path, APPEND);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalArgumentException("--journal " + display + ": in use by another batch");
            }
            if (channel.size() > good) {
                channel.truncate(good);
            }
            channel.position(good);
            size = good;
            if (good == 0) {
                write(ByteBuffer.wrap(header()));
                channel.force(true);
                syncDirectory();
            }
        } catch (IOException e) {
            throw failure("cannot be opened", e);
        }
    }

    /** What to do with one line of the journal; an {@link IOException} stops the reading. */
    private interface LineReader {
        void line(byte[] bytes) throws IOException;
    }

    /** Streams the journal's whole lines (without their newline); returns the length of a last line without one. */
    private int forEachLine(LineReader reader) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] chunk = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        line.write(chunk, from, i - from);
                        byte[] bytes = line.toByteArray();
                        line.reset();
                        reader.line(bytes);
                        from = i + 1;
                    }
                }
                line.write(chunk, from, n - from);
            }
        }
        return line.size();
    }

    /** Reads the journal, returns where its last whole record ends (0: there is no header). */
    private long read(Consumer<String> warn) throws IOException {
        long[] offset = {0};
        long[] good = {0};
        int[] number = {0};
        int[] firstBad = {0};
        boolean[] headerSeen = {false};
        int rest = forEachLine(bytes -> {
            offset[0] += bytes.length + 1;
            number[0]++;
            JsonNode record = parse(bytes);
            if (record == null) {
                if (firstBad[0] == 0) {
                    firstBad[0] = number[0];
                }
                return;
            }
            if (firstBad[0] != 0) {
                throw damaged(firstBad[0], "not a whole record");
            }
            if (!headerSeen[0]) {
                checkHeader(record);
                headerSeen[0] = true;
            } else {
                apply(record, number[0]);
                records++;
            }
            good[0] = offset[0];
        });
        if (firstBad[0] != 0 || rest > 0) {
            int torn = firstBad[0] != 0 ? firstBad[0] : number[0] + 1;
            warn.accept("warning: --journal " + display + ": line " + torn
                    + " is incomplete (the batch writing it was stopped mid-write); ignored");
        }
        for (int i = 1; i < states.length; i++) {
            if (states[i] != FRESH) {
                live++;
            }
        }
        return headerSeen[0] ? good[0] : 0;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void checkHeader(JsonNode header) {
        if (!KIND.equals(header.path("journal").asText(null))) {
            throw new IllegalArgumentException("--journal " + display + ": not a batch journal");
        }
        if (header.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("--journal " + display + ": written by another version (journal version "
                    + header.path("version").asText() + ")");
        }
        if (!inputSha256.equals(header.path("input_sha256").asText(null))) {
            throw new IllegalArgumentException("--journal " + display + ": was written for another input file "
                    + "(its SHA-256 differs): use a new journal for this one");
        }
    }

    private void apply(JsonNode record, int number) {
        int line = record.path("line").asInt(0);
        if (line <= 0 || line >= states.length) {
            throw damaged(number, "no line " + record.path("line").asText() + " in the input");
        }
        switch (record.path("state").asText("")) {
            case "submitting":
                set(line, SUBMITTING, null);
                break;
            case "submitted":
                String id = record.path("request_id").asText(null);
                if (id == null || id.isEmpty()) {
                    throw damaged(number, "a submitted line without its request_id");
                }
                set(line, SUBMITTED, id);
                break;
            case "unsent":
                set(line, FRESH, null);
                break;
            case "ended":
                if (!record.path("result").isObject()) {
                    throw damaged(number, "an ended line without its result");
                }
                set(line, ENDED, null);
                break;
            default:
                throw damaged(number, "unknown state " + Terminal.printable(record.path("state").toString()));
        }
    }

    private void set(int line, byte state, String requestId) {
        states[line] = state;
        if (state == SUBMITTED) {
            requestIds.put(line, requestId);
        } else {
            requestIds.remove(line);
        }
    }

    private IllegalArgumentException damaged(int number, String why) {
        return new IllegalArgumentException("--journal " + display + ": line " + number + " is damaged (" + why
                + "); it cannot be trusted");
    }

    private JournalException failure(String what, IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new JournalException("--journal " + display + ": " + what + " (" + reason + ")", e);
    }

    /** Line {@code line}'s state as recorded: {@link #FRESH}, {@link #SUBMITTING}, {@link #SUBMITTED} or {@link #ENDED}. */
    byte state(int line) {
        return states[line];
    }

    /** The request_id of a {@link #SUBMITTED} line. */
    String requestId(int line) {
        return requestIds.get(line);
    }

    /** How many times the journal was compacted while open. */
    long compactions() {
        return compactions;
    }

    /** Why the journal stopped, or null while it works. */
    JournalException broken() {
        return broken;
    }

    /**
     * Streams the results of the lines that ended (in the order they ended) to {@code result};
     * call it before the batch runs.
     */
    void forEachEnded(Consumer<JsonNode> result) {
        try {
            forEachLine(bytes -> {
                JsonNode record = parse(bytes);
                if (record != null && "ended".equals(record.path("state").asText())) {
                    result.accept(record.get("result"));
                }
            });
        } catch (IOException e) {
            throw failure("cannot be read", e);
        }
    }

    /** Records that line {@code line} is about to be submitted; completes once on disk. */
    Mono<Void> submitting(int line) {
        return record(line, SUBMITTING, null, "submitting", null);
    }

    /** Records line {@code line}'s request_id; completes once on disk. */
    Mono<Void> submitted(int line, String requestId) {
        return record(line, SUBMITTED, requestId, "submitted", null);
    }

    /** Records that line {@code line}'s submit was refused and created no job: it may be sent again. */
    Mono<Void> unsent(int line) {
        return record(line, FRESH, null, "unsent", null);
    }

    /** Records line {@code line}'s end and what it printed; completes once on disk. */
    Mono<Void> ended(int line, JsonNode result) {
        return record(line, ENDED, null, "ended", result);
    }

    private Mono<Void> record(int line, byte state, String requestId, String name, JsonNode result) {
        return Mono.fromFuture(() -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("line", line);
            record.put("state", name);
            if (requestId != null) {
                record.put("request_id", requestId);
            }
            if (result != null) {
                record.put("result", result);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            JournalException stopped = broken;
            if (stopped != null) {
                done.completeExceptionally(stopped);
                return done;
            }
            queue.add(new Pending(line, state, requestId, bytes(record), done));
            thread.execute(this::drain);
            return done;
        }, true);
    }

    private static byte[] bytes(Object record) {
        try {
            byte[] json = JSON.writeValueAsBytes(record);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a journal record", e);
        }
    }

    private byte[] header() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("journal", KIND);
        header.put("version", VERSION);
        header.put("input_sha256", inputSha256);
        return bytes(header);
    }

    /** Writes what is waiting, with one fsync, then acknowledges it (on the journal's thread). */
    private void drain() {
        List<Pending> group = new ArrayList<>();
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            group.add(p);
        }
        if (group.isEmpty()) {
            return;
        }
        if (broken != null) {
            group.forEach(p -> p.done.completeExceptionally(broken));
            return;
        }
        int length = 0;
        for (Pending p : group) {
            length += p.bytes.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        group.forEach(p -> buffer.put(p.bytes));
        buffer.flip();
        try {
            write(buffer);
            channel.force(false);
        } catch (IOException e) {
            broken = failure("cannot be written", e);
            try {
                // what was acknowledged stays; a half-written record goes (it would be dropped on reading anyway)
                channel.truncate(size);
            } catch (IOException | RuntimeException ignored) {
                // the reader drops a torn last line
            }
            group.forEach(p -> p.done.completeExceptionally(broken));
            return;
        }
        for (Pending p : group) {
            live += (p.state != FRESH ? 1 : 0) - (states[p.line] != FRESH ? 1 : 0);
            records++;
            set(p.line, p.state, p.requestId);
        }
        group.forEach(p -> p.done.complete(null));
        long obsolete = records - live;
        if (obsolete >= compactAt && obsolete > live) {
            compact();
        }
    }

    private void write(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            size += channel.write(buffer);
        }
    }

    /**
     * Rewrites the journal with its live records only: the header, every ended line's record as it
     * was, then the lines in flight. Written beside it, fsynced, renamed over it: a crash at any
     * point leaves either journal whole. If it fails (a full disk), the journal stays as it was.
     */
    private void compact() {
        Path next = compacting();
        long written = 0;
        try {
            try (FileChannel out = storage.open(next, REWRITE);
                 OutputStream sink = new BufferedOutputStream(Channels.newOutputStream(out), 1 << 16)) {
                long[] copied = {0};
                LineReader copy = bytes -> {
                    sink.write(bytes);
                    sink.write('\n');
                    copied[0] += bytes.length + 1;
                };
                copy.line(Arrays.copyOf(header(), header().length - 1));
                forEachLine(bytes -> {
                    JsonNode record = parse(bytes);
                    if (record != null && "ended".equals(record.path("state").asText())) {
                        copy.line(bytes);
                    }
                });
                for (int line = 1; line < states.length; line++) {
                    byte state = states[line];
                    if (state == SUBMITTING || state == SUBMITTED) {
                        Map<String, Object> record = new LinkedHashMap<>();
                        record.put("line", line);
                        record.put("state", state == SUBMITTING ? "submitting" : "submitted");
                        if (state == SUBMITTED) {
                            record.put("request_id", requestIds.get(line));
                        }
                        byte[] bytes = bytes(record);
                        copy.line(Arrays.copyOf(bytes, bytes.length - 1));
                    }
                }
                sink.flush();
                out.force(true);
                written = copied[0];
            }
            Files.move(next, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(next);
            } catch (IOException ignored) {
                // removed when the journal is next opened
            }
            // not compacted: appending goes on; tried again once the journal has grown as much again
            compactAt = records - live + Math.max(compactAtLeast, live);
            return;
        }
        syncDirectory();
        closeChannel();
        try {
            channel = storage.open(path, APPEND);
            lock = channel.tryLock();
            channel.position(written);
            size = written;
        } catch (IOException | OverlappingFileLockException e) {
            broken = failure("cannot be reopened after compaction", e instanceof IOException ? (IOException) e
                    : new IOException(e.toString()));
            return;
        }
        records = live;
        compactAt = compactAtLeast;
        compactions++;
    }

    private Path compacting() {
        return path.resolveSibling(path.getFileName() + ".compacting");
    }

    /** Makes a new or renamed journal's name durable too (Linux: fsync of the directory). */
    private void syncDirectory() {
        Path dir = path.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every system can sync a directory
        }
    }

    private void closeChannel() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // every record was forced already
        }
    }

    /** Writes what is still waiting and closes the journal. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannel();
    }
}
