package io.github.twocheckout.connector.simulator;

import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load mode: distinct, correctly signed notifications in a chosen channel and message mix, at a fixed
 * concurrency (closed loop) or a fixed rate (open loop, latency measured from the intended send time
 * so that a stalled connector is not hidden), until a count or a duration is reached. Follow-up
 * messages (refunds, renewals, LCN changes, INS installments) concern orders sent earlier in the run.
 */
public final class LoadRunner {

    /**
     * What to run. {@code mix}: "channel[:type]=weight,..." (ins, ipn, lcn, keygen); {@code rate}: calls
     * per second, or null for as fast as {@code concurrency} allows; stop at {@code count} calls or after
     * {@code duration}, whichever comes first.
     */
    public record Options(String mix, int concurrency, Integer rate, Long count, Duration duration, List<SimProduct> products,
                          Duration timeout) {
    }

    /** One entry of the mix. */
    record MixEntry(SimCall.Channel channel, String type, int weight) {
        String label() {
            return channel.name().toLowerCase(Locale.ROOT) + (type == null ? "" : ":" + type);
        }
    }

    /** An order sent during the run, for follow-ups. */
    static final class LoadOrder {
        final SimOrder order;
        final AtomicInteger renewals = new AtomicInteger();

        LoadOrder(SimOrder order) {
            this.order = order;
        }
    }

    /** Counts one answered (or failed) call. */
    private interface Account {
        void record(MixEntry entry, CallResult result, long intendedStart);
    }

    private final List<ConnectorClient> clients;
    private final Calls calls;
    private int copies = 1;
    private java.util.function.Consumer<CallResult> listener;
    private final PrintStream progress;
    private final AtomicLong sequence = new AtomicLong();
    private final long refBase = Scenario.freshRef() * 1000;
    private final Instant epoch = Instant.now();
    private final Map<String, List<LoadOrder>> pools = new ConcurrentHashMap<>();

    public LoadRunner(ConnectorClient client, SimVendor vendor, PrintStream progress) {
        this(List.of(client), vendor, progress);
    }

    /** Load spread over several connectors (instances on one database): call i goes to target i mod n. */
    public LoadRunner(List<ConnectorClient> clients, SimVendor vendor, PrintStream progress) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no connector to send to");
        }
        this.clients = List.copyOf(clients);
        this.calls = new Calls(vendor).signWith(java.util.EnumSet.allOf(HmacAlgorithm.class));
        this.progress = progress;
    }

    /**
     * A duplicate storm: every call is sent this many times at once, from different threads, in no set
     * order, and spread over the targets. Each copy counts as a call in the summary.
     */
    public LoadRunner copies(int copies) {
        this.copies = Math.max(1, copies);
        return this;
    }

    /** Told of every call's result, copies included (the fault suite checks each acknowledged one). */
    public LoadRunner onResult(java.util.function.Consumer<CallResult> listener) {
        this.listener = listener;
        return this;
    }

    public LoadSummary run(Options o) throws InterruptedException {
        if (o.products() == null || o.products().isEmpty()) {
            throw new IllegalArgumentException("load mode needs at least one product the connector knows");
        }
        products = List.copyOf(o.products());
        List<MixEntry> mix = parseMix(o.mix());
        int totalWeight = mix.stream().mapToInt(MixEntry::weight).sum();
        ConcurrentHistogram all = new ConcurrentHistogram(3);
        Map<SimCall.Channel, ConcurrentHistogram> perChannel = new EnumMap<>(SimCall.Channel.class);
        Map<SimCall.Channel, LongAdder> perChannelOk = new EnumMap<>(SimCall.Channel.class);
        for (SimCall.Channel c : SimCall.Channel.values()) {
            perChannel.put(c, new ConcurrentHistogram(3));
            perChannelOk.put(c, new LongAdder());
        }
        Recorder interval = new Recorder(3);
        Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        Map<String, LongAdder> byMix = new ConcurrentHashMap<>();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        LongAdder sent = new LongAdder();
        LongAdder ok = new LongAdder();
        AtomicLong tickets = new AtomicLong();
        long limit = o.count() == null ? Long.MAX_VALUE : o.count();
        long start = System.nanoTime();
        long end = o.duration() == null ? Long.MAX_VALUE : start + o.duration().toNanos();

        Account account = (entry, r, intendedStart) -> {
            SimCall call = r.call();
            if (listener != null) {
                listener.accept(r);
            }
            long latency = Math.max(1, System.nanoTime() - intendedStart);
            all.recordValue(latency / 1000);
            interval.recordValue(latency / 1000);
            perChannel.get(call.channel()).recordValue(latency / 1000);
            sent.increment();
            byMix.computeIfAbsent(entry.label(), k -> new LongAdder()).increment();
            byStatus.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
            if (r.ok()) {
                ok.increment();
                perChannelOk.get(call.channel()).increment();
            } else {
                errors.computeIfAbsent(r.kind(), k -> new LongAdder()).increment();
                if (firstErrors.size() < 5) {
                    firstErrors.add(call.label() + ": " + r.problem());
                }
            }
        };
        AtomicLong numbering = new AtomicLong();
        ExecutorService fanOut = Executors.newCachedThreadPool(r -> daemon(r, "load-copy"));
        java.util.function.LongConsumer oneCall = intendedStart -> {
            MixEntry entry = pick(mix, totalWeight);
            SimCall call = build(entry);
            int n = (int) (numbering.incrementAndGet() % clients.size());
            if (copies == 1) {
                account.record(entry, clients.get(n).send(call), intendedStart);
                return;
            }
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < copies; k++) {
                order.add(k);
            }
            java.util.Collections.shuffle(order);
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int k : order) {
                ConnectorClient target = clients.get((n + k) % clients.size());
                running.add(fanOut.submit(() -> account.record(entry, target.send(call), intendedStart)));
            }
            for (java.util.concurrent.Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        };

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "load-progress"));
        long[] lastSent = {0};
        ticker.scheduleAtFixedRate(() -> {
            Histogram h = interval.getIntervalHistogram();
            long s = sent.sum();
            progress.println(String.format(Locale.ROOT, "[%4ds] sent %d, ok %d, errors %d | last 1 s: %d calls, p50 %.1f ms, p99 %.1f ms",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), s, ok.sum(), s - ok.sum(), s - lastSent[0],
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0));
            lastSent[0] = s;
        }, 1, 1, TimeUnit.SECONDS);

        ExecutorService workers = Executors.newFixedThreadPool(o.concurrency(), r -> daemon(r, "load-worker"));
        try {
            if (o.rate() == null) {
                for (int i = 0; i < o.concurrency(); i++) {
                    workers.submit(() -> {
                        while (tickets.incrementAndGet() <= limit && System.nanoTime() < end) {
                            oneCall.accept(System.nanoTime());
                        }
                    });
                }
            } else {
                // Open loop: calls are due at fixed times; a call waiting for a free worker counts that wait.
                long intervalNanos = 1_000_000_000L / Math.max(1, o.rate());
                for (long i = 0; i < limit; i++) {
                    long due = start + i * intervalNanos;
                    if (due >= end) {
                        break;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    workers.submit(() -> oneCall.accept(due));
                }
            }
            workers.shutdown();
            long grace = (o.timeout() == null ? 30 : o.timeout().toSeconds()) + 5;
            long budget = o.duration() == null ? Long.MAX_VALUE / 2 : o.duration().toSeconds() + grace;
            if (!workers.awaitTermination(budget, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(grace, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
            fanOut.shutdownNow();
            ticker.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, LoadSummary.ChannelFigures> channels = new LinkedHashMap<>();
        perChannel.forEach((c, h) -> {
            if (h.getTotalCount() > 0) {
                channels.put(c.name(), new LoadSummary.ChannelFigures(h.getTotalCount(), perChannelOk.get(c).sum(),
                        LoadSummary.Latency.of(h)));
            }
        });
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(Integer.toString(k), v.sum()));
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        Map<String, Long> mixCounts = new TreeMap<>();
        byMix.forEach((k, v) -> mixCounts.put(k, v.sum()));
        return new LoadSummary(clients.stream().map(c -> c.base().toString()).collect(java.util.stream.Collectors.joining(" ")), o.mix(), o.concurrency(), o.rate(), round(seconds), sent.sum(), ok.sum(),
                sent.sum() - ok.sum(), statuses, errorCounts, mixCounts, round(sent.sum() / Math.max(seconds, 1e-9)),
                LoadSummary.Latency.of(all), channels, List.copyOf(firstErrors));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static MixEntry pick(List<MixEntry> mix, int totalWeight) {
        int x = ThreadLocalRandom.current().nextInt(totalWeight);
        for (MixEntry e : mix) {
            x -= e.weight();
            if (x < 0) {
                return e;
            }
        }
        return mix.get(mix.size() - 1);
    }

    /** "ins=40,ipn:COMPLETE=30,ipn:REFUND=5,lcn:PAST_DUE=5,keygen=10"; a type defaults per channel. */
    static List<MixEntry> parseMix(String mix) {
        List<MixEntry> out = new ArrayList<>();
        for (String part : mix.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).trim();
            int weight;
            try {
                weight = eq < 0 ? 1 : Integer.parseInt(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mix entry '" + p + "': the weight is not a number");
            }
            int colon = key.indexOf(':');
            String channel = (colon < 0 ? key : key.substring(0, colon)).toUpperCase(Locale.ROOT);
            String type = colon < 0 ? null : key.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            SimCall.Channel c;
            try {
                c = SimCall.Channel.valueOf(channel);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mix entry '" + p + "': channel must be ins, ipn, lcn or keygen");
            }
            if (c == SimCall.Channel.INS && type != null && !Calls.INS_TYPES.contains(type)) {
                throw new IllegalArgumentException("mix entry '" + p + "': INS type must be one of " + Calls.INS_TYPES);
            }
            if (c == SimCall.Channel.LCN && type != null && !Calls.LCN_STATES.contains(type)) {
                throw new IllegalArgumentException("mix entry '" + p + "': LCN state must be one of " + Calls.LCN_STATES);
            }
            if (weight > 0) {
                out.add(new MixEntry(c, type, weight));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the mix '" + mix + "' has no entry with a positive weight");
        }
        return out;
    }

    // ------------------------------------------------------------------ what each mix entry sends

    private List<SimProduct> products = List.of();

    private SimCall build(MixEntry e) {
        long n = sequence.incrementAndGet();
        // Distinct times, so that no two LCNs or INS messages of one run are the same event.
        Instant at = epoch.plusSeconds(n);
        switch (e.channel()) {
            case INS -> {
                String type = e.type() == null ? "ORDER_CREATED" : e.type();
                if (type.equals("ORDER_CREATED")) {
                    LoadOrder o = newOrder(n, "ins", at);
                    return calls.ins(o.order, type, at, new Calls.InsOptions("pass", null, null, null));
                }
                boolean refund = type.equals("REFUND_ISSUED");
                LoadOrder o = followUp(refund ? "ins" : "ins-sub", n, at, refund);
                Integer installment = type.startsWith("RECURRING_INSTALLMENT") ? o.renewals.incrementAndGet() : null;
                return calls.ins(o.order, type, at, new Calls.InsOptions(null, null, installment, null));
            }
            case IPN -> {
                String type = e.type() == null ? "COMPLETE" : e.type();
                if (type.equals("RENEWAL")) {
                    LoadOrder o = followUp("ipn-sub", n, at, false);
                    return calls.ipn(o.order, at, new Calls.IpnOptions("COMPLETE", "APPROVED", o.renewals.incrementAndGet(), null));
                }
                if (List.of("REFUND", "REVERSED", "CANCELED").contains(type)) {
                    LoadOrder o = followUp("ipn", n, at, true);
                    return calls.ipn(o.order, at, Calls.IpnOptions.of(type, "APPROVED"));
                }
                LoadOrder o = newOrder(n, "ipn", at);
                return calls.ipn(o.order, at, Calls.IpnOptions.of(type, "APPROVED"));
            }
            case LCN -> {
                LoadOrder o = followUp("ipn-sub", n, at, false);
                int line = Math.max(0, o.order.firstSubscriptionLine());
                Instant expires = o.order.expiry(line, o.renewals.get() + 1);
                return calls.lcn(o.order, line, e.type() == null ? "ACTIVE" : e.type(), expires, at);
            }
            default -> {
                LoadOrder o = newOrder(n, "keygen", at);
                return calls.keygen(o.order, 0, null);
            }
        }
    }

    /** A new order of one product line, remembered for follow-ups (also as "POOL-sub" when it is a subscription). */
    private LoadOrder newOrder(long n, String pool, Instant at) {
        SimProduct product = products.get((int) (n % products.size()));
        LoadOrder o = new LoadOrder(new SimOrder(refBase + n, List.of(product), SimCustomer.sample(), "EUR", at, false));
        remember(pool, o);
        if (product.subscription()) {
            remember(pool + "-sub", o);
        }
        return o;
    }

    private void remember(String pool, LoadOrder o) {
        List<LoadOrder> list = pools.computeIfAbsent(pool, k -> new ArrayList<>());
        synchronized (list) {
            if (list.size() < 100_000) {
                list.add(o);
            }
        }
    }

    /**
     * An order sent earlier in the run for a follow-up; {@code once} takes it out (a refund ends it). With
     * none yet, a new order is made up: the connector parks the follow-up until that order arrives.
     */
    private LoadOrder followUp(String pool, long n, Instant at, boolean once) {
        List<LoadOrder> list = pools.computeIfAbsent(pool, k -> new ArrayList<>());
        synchronized (list) {
            if (!list.isEmpty()) {
                int i = ThreadLocalRandom.current().nextInt(list.size());
                LoadOrder o = list.get(i);
                if (once) {
                    list.set(i, list.get(list.size() - 1));
                    list.remove(list.size() - 1);
                }
                return o;
            }
        }
        SimProduct product = pool.endsWith("-sub")
                ? products.stream().filter(SimProduct::subscription).findFirst().orElse(products.get(0))
                : products.get((int) (n % products.size()));
        return new LoadOrder(new SimOrder(refBase + n, List.of(product), SimCustomer.sample(), "EUR", at, false));
    }
}
