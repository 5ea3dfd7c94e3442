using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// The queue behind <c>synchronous: false</c>: logging calls put entries on a bounded channel (waiting for room when it
/// is full, never dropping), one worker coalesces them per run into log-batch requests within MLflow's limits (sent
/// when full, after <see cref="MlflowBackgroundLoggingSettings.BatchInterval"/>, or on a flush) and sends them one at a
/// time, so the points of a metric reach the server in the order they were logged. A batch failing with a transient
/// error is sent again until it succeeds or the retry timeout passes; entries that could not be logged are kept and
/// reported by the next flush or disposal.
/// </summary>
internal sealed class BackgroundLogger : IAsyncDisposable
{
    internal enum EntryKind : byte { Metric, Param, Tag, Flush }

    /// <summary>One queued call (or a flush marker).</summary>
    internal sealed class Entry
    {
        public EntryKind Kind;
        public string RunId = "";
        public string Key = "";
        public string? Text;
        public double Value;
        public long Timestamp;
        public long Step;
        public string? DatasetName;
        public string? DatasetDigest;
        public string? ModelId;
        public TaskCompletionSource? Flushed;
    }

    /// <summary>A run's entries waiting to be sent together.</summary>
    private sealed class PendingBatch(string runId)
    {
        public readonly string RunId = runId;
        public readonly List<Entry> Entries = [];
        public readonly HashSet<string> ParamKeys = new(StringComparer.Ordinal);
        public readonly HashSet<string> TagKeys = new(StringComparer.Ordinal);
        public int Metrics;
        public int Params;
        public int Tags;
        public int Bytes = RunLimits.EnvelopeBytes(runId);
        public long StartedAt;
        public int Count => Entries.Count;
        public bool IsFull => Count >= RunLimits.MaxEntitiesPerBatch || Metrics >= RunLimits.MaxMetricsPerBatch;
    }

    internal static readonly Meter Meter = new(MlflowTelemetry.ActivitySourceName);
    private static readonly Counter<long> QueuedCounter = Meter.CreateCounter<long>("mlflow.client.background_logging.queued", "{entry}", "Metrics, params and tags put on the background logger's queue.");
    private static readonly Counter<long> SentCounter = Meter.CreateCounter<long>("mlflow.client.background_logging.sent", "{entry}", "Entries the server accepted.");
    private static readonly Counter<long> RetriedCounter = Meter.CreateCounter<long>("mlflow.client.background_logging.retried", "{entry}", "Entries sent again after a transient failure.");
    private static readonly Counter<long> FailedCounter = Meter.CreateCounter<long>("mlflow.client.background_logging.failed", "{entry}", "Entries that could not be logged.");

    private readonly Channel<Entry> channel;
    private readonly Func<string, byte[], CancellationToken, Task> send;
    private Task? inFlight;
    private readonly MlflowBackgroundLoggingSettings settings;
    private readonly TimeSpan retryTimeout;
    private readonly double backoffFactor;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly Task worker;
    private readonly Lock gate = new();
    private readonly List<PendingBatch> batches = [];
    private List<MlflowNotLoggedBatch> failures = [];
    private long enqueued;

    public BackgroundLogger(
        Func<string, byte[], CancellationToken, Task> send, MlflowBackgroundLoggingSettings settings, TimeSpan retryTimeout,
        double backoffFactor, ILogger? logger, TimeProvider? timeProvider = null)
    {
        this.send = send;
        this.settings = settings;
        this.retryTimeout = retryTimeout;
        this.backoffFactor = backoffFactor;
        this.logger = logger ?? NullLogger.Instance;
        time = timeProvider ?? TimeProvider.System;
        channel = Channel.CreateBounded<Entry>(new BoundedChannelOptions(settings.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        worker = Task.Run(RunAsync);
    }

    /// <summary>Queues an entry; waits for room when the queue is full.</summary>
    public ValueTask EnqueueAsync(Entry entry, CancellationToken cancellationToken)
    {
        if (channel.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref enqueued);
            QueuedCounter.Add(1);
            return ValueTask.CompletedTask;
        }
        return EnqueueSlowAsync(entry, cancellationToken);
    }

    private async ValueTask EnqueueSlowAsync(Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await channel.Writer.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(MlflowClient), "The client's background logger is stopped (the client was disposed).");
        }
        Interlocked.Increment(ref enqueued);
        QueuedCounter.Add(1);
    }

    /// <summary>Waits until everything queued before the call is sent or reported, then throws what could not be logged.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref enqueued) > 0)
        {
            var marker = new Entry { Kind = EntryKind.Flush, Flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
            try
            {
                await channel.Writer.WriteAsync(marker, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                await worker.ConfigureAwait(false);
                ThrowFailures();
                return;
            }
            await marker.Flushed!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        ThrowFailures();
    }

    /// <summary>Stops taking entries, sends everything queued, and throws what could not be logged.</summary>
    public async ValueTask DisposeAsync()
    {
        channel.Writer.TryComplete();
        await worker.ConfigureAwait(false);
        ThrowFailures();
    }

    private void ThrowFailures()
    {
        List<MlflowNotLoggedBatch> failed;
        lock (gate)
        {
            if (failures.Count == 0) return;
            failed = failures;
            failures = [];
        }
        throw new MlflowBackgroundLoggingException(failed);
    }

    private async Task RunAsync()
    {
        var reader = channel.Reader;
        while (true)
        {
            if (batches.Count == 0)
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false)) break;
            }
            else
            {
                var due = batches.Min(b => b.StartedAt);
                var remaining = settings.BatchInterval - time.GetElapsedTime(due);
                var state = await WaitAsync(reader, remaining).ConfigureAwait(false);
                if (state != WaitState.Ready)
                {
                    await SendAllAsync().ConfigureAwait(false);
                    if (state == WaitState.Completed) break;
                    continue;
                }
            }

            while (reader.TryRead(out var entry))
            {
                if (entry.Kind == EntryKind.Flush)
                {
                    await SendAllAsync().ConfigureAwait(false);
                    await DrainAsync().ConfigureAwait(false);
                    entry.Flushed!.TrySetResult();
                    continue;
                }

                var batch = batches.Find(b => string.Equals(b.RunId, entry.RunId, StringComparison.Ordinal));
                if (batch is not null && !Fits(batch, entry))
                {
                    await SendAsync(batch).ConfigureAwait(false);
                    batches.Remove(batch);
                    batch = null;
                }
                if (batch is null)
                {
                    batch = new PendingBatch(entry.RunId) { StartedAt = time.GetTimestamp() };
                    batches.Add(batch);
                }
                Add(batch, entry);
                if (batch.IsFull)
                {
                    await SendAsync(batch).ConfigureAwait(false);
                    batches.Remove(batch);
                }
            }
        }
        await SendAllAsync().ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
    }

    private enum WaitState { Ready, Timeout, Completed }

    private async Task<WaitState> WaitAsync(ChannelReader<Entry> reader, TimeSpan remaining)
    {
        if (reader.TryPeek(out _)) return WaitState.Ready;
        if (remaining <= TimeSpan.Zero) return WaitState.Timeout;
        using var timeout = new CancellationTokenSource(remaining, time);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false) ? WaitState.Ready : WaitState.Completed;
        }
        catch (OperationCanceledException)
        {
            return WaitState.Timeout;
        }
    }

    private static bool Fits(PendingBatch batch, Entry entry)
    {
        if (batch.Bytes + Size(entry) > RunLimits.MaxBatchRequestBytes) return false;
        return entry.Kind switch
        {
            EntryKind.Param => batch.Params < RunLimits.MaxParamsTagsPerBatch && !batch.ParamKeys.Contains(entry.Key),
            EntryKind.Tag => batch.Tags < RunLimits.MaxParamsTagsPerBatch && !batch.TagKeys.Contains(entry.Key),
            _ => true,
        };
    }

    private static int Size(Entry entry) => entry.Kind == EntryKind.Metric
        ? 96 + RunLimits.JsonBytes(entry.Key) + (entry.DatasetName is null ? 0 : 20 + RunLimits.JsonBytes(entry.DatasetName))
          + (entry.DatasetDigest is null ? 0 : 20 + RunLimits.JsonBytes(entry.DatasetDigest)) + (entry.ModelId is null ? 0 : 16 + RunLimits.JsonBytes(entry.ModelId))
        : RunLimits.JsonBytes(entry.Key, entry.Text ?? "");

    private static void Add(PendingBatch batch, Entry entry)
    {
        batch.Bytes += Size(entry);
        batch.Entries.Add(entry);
        switch (entry.Kind)
        {
            case EntryKind.Metric: batch.Metrics++; break;
            case EntryKind.Param: batch.Params++; batch.ParamKeys.Add(entry.Key); break;
            default: batch.Tags++; batch.TagKeys.Add(entry.Key); break;
        }
    }

    private async Task SendAllAsync()
    {
        foreach (var batch in batches) await SendAsync(batch).ConfigureAwait(false);
        batches.Clear();
    }

    /// <summary>
    /// Writes the batch's body, waits for the request before it (so requests stay in order) and starts this one:
    /// the next batch is gathered and written while this one is on the wire.
    /// </summary>
    private async Task SendAsync(PendingBatch batch)
    {
        if (batch.Count == 0) return;
        var body = LogBatchJson.Write(batch.RunId, batch.Entries);
        await DrainAsync().ConfigureAwait(false);
        inFlight = DeliverAsync(batch, body);
    }

    private async Task DrainAsync()
    {
        if (inFlight is { } pending)
        {
            inFlight = null;
            await pending.ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(PendingBatch batch, byte[] body)
    {
        var count = batch.Count;
        var started = time.GetTimestamp();
        var attempt = 1;
        while (true)
        {
            try
            {
                await send(batch.RunId, body, CancellationToken.None).ConfigureAwait(false);
                SentCounter.Add(count);
                logger.LogDebug("Background logging: run {RunId}: sent {Metrics} metrics, {Params} params, {Tags} tags ({Bytes} bytes) in {Elapsed} ms (attempt {Attempt}).",
                    batch.RunId, batch.Metrics, batch.Params, batch.Tags, body.Length, (long)time.GetElapsedTime(started).TotalMilliseconds, attempt);
                return;
            }
            catch (Exception error) when (IsTransient(error) && time.GetElapsedTime(started) < retryTimeout)
            {
                RetriedCounter.Add(count);
                var delay = Backoff(attempt);
                logger.LogDebug(error, "Background logging: run {RunId}: a batch of {Count} entries failed ({Reason}); sending it again in {Delay} ms.",
                    batch.RunId, count, error.Message, (long)delay.TotalMilliseconds);
                attempt++;
                await Task.Delay(delay, time).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                FailedCounter.Add(count);
                logger.LogWarning(error, "Background logging: run {RunId}: {Count} entries could not be logged; the next flush reports them.", batch.RunId, count);
                var metrics = batch.Entries.Where(e => e.Kind == EntryKind.Metric).Select(e => new Metric
                {
                    Key = e.Key, Value = e.Value, Timestamp = e.Timestamp, Step = e.Step,
                    DatasetName = e.DatasetName, DatasetDigest = e.DatasetDigest, ModelId = e.ModelId,
                }).ToList();
                var parameters = batch.Entries.Where(e => e.Kind == EntryKind.Param).Select(e => new Param(e.Key, e.Text!)).ToList();
                var tags = batch.Entries.Where(e => e.Kind == EntryKind.Tag).Select(e => new RunTag(e.Key, e.Text!)).ToList();
                lock (gate) failures.Add(new MlflowNotLoggedBatch(batch.RunId, metrics, parameters, tags, error));
                return;
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(Math.Max(backoffFactor, 0.05) * Math.Pow(2, Math.Min(attempt - 1, 10)), MlflowSettings.MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Failures worth sending again: nothing answered, a timeout, a 5xx or a 429.</summary>
    internal static bool IsTransient(Exception error) => error switch
    {
        MlflowTransportException or MlflowServerException or MlflowRateLimitException => true,
        MlflowException { StatusCode: { } status } => (int)status is 408 or 429 or >= 500,
        MlflowException => false,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };
}
