using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// Logging to a run as Python's <c>MlflowClient</c> does it: <c>log_param</c>, <c>log_metric</c>, <c>set_tag</c> and
/// <c>log_batch</c> with their <c>synchronous</c> argument. Hand-written (the facade description lists them as skipped):
/// keys and values are checked with MLflow's rules before anything is sent, batches of any size are split into
/// requests within MLflow's limits, and <c>synchronous: false</c> hands the entries to a background logger that
/// coalesces them into log-batch requests.
/// </summary>
public sealed partial class MlflowClient : IAsyncDisposable
{
    private readonly Lock backgroundLoggerGate = new();
    private BackgroundLogger? backgroundLogger;
    private ILogger? runsLogger;

    private ILogger RunsLogger => runsLogger ??= loggerFactory?.CreateLogger("Mlflow.Client.Runs") ?? NullLogger.Instance;

    /// <summary>
    /// Logs a parameter of a run (Python: <c>log_param</c>). Params are written once: the same key again with the same
    /// value is accepted, with another value MLflow refuses it.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="key">The param's name (at most 250 characters: letters, digits, <c>_ - . / : space</c>).</param>
    /// <param name="value">The value (at most 6,000 characters; longer ones are cut, with a warning, unless <c>MLFLOW_TRUNCATE_LONG_VALUES=false</c>).</param>
    /// <param name="synchronous">False: queue it for the background logger and return at once (see <see cref="FlushAsync"/>); null: as <c>MLFLOW_ENABLE_ASYNC_LOGGING</c> says (unset: synchronous).</param>
    /// <param name="cancellationToken">Cancels the request, or the wait for room in the queue.</param>
    /// <returns>A task that completes when the param is logged (synchronous) or queued.</returns>
    /// <exception cref="ArgumentException">An invalid key or value; nothing was sent.</exception>
    public Task LogParamAsync(string runId, string key, string value, bool? synchronous = null, CancellationToken cancellationToken = default)
    {
        CheckLoggingRunId(runId);
        RunLimits.CheckKey(key, "Param key", nameof(key));
        value = RunLimits.CheckValue(value, "Param value", RunLimits.MaxParamValueLength, Settings.BackgroundLogging.TruncateLongValues, RunsLogger, nameof(value));
        if (IsSynchronous(synchronous))
            return Api.Api.V20.Mlflow.Runs.LogParameter.PostAsync(new LogParam { RunId = runId, Key = key, Value = value }, cancellationToken: cancellationToken);
        return Queue(new BackgroundLogger.Entry { Kind = BackgroundLogger.EntryKind.Param, RunId = runId, Key = key, Text = value }, cancellationToken);
    }

    /// <summary>
    /// Logs one value of a metric (Python: <c>log_metric</c>); every call appends to the metric's history.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="key">The metric's name (at most 250 characters).</param>
    /// <param name="value">The value; NaN and infinities are allowed.</param>
    /// <param name="timestamp">When it was measured, in milliseconds since the Unix epoch (null: now).</param>
    /// <param name="step">The training step (null: 0).</param>
    /// <param name="synchronous">False: queue it for the background logger and return at once; null: as <c>MLFLOW_ENABLE_ASYNC_LOGGING</c> says.</param>
    /// <param name="datasetName">The dataset the value was computed on, if any.</param>
    /// <param name="datasetDigest">That dataset's digest, if any.</param>
    /// <param name="modelId">The logged model the value describes, if any.</param>
    /// <param name="cancellationToken">Cancels the request, or the wait for room in the queue.</param>
    /// <returns>A task that completes when the value is logged (synchronous) or queued.</returns>
    /// <exception cref="ArgumentException">An invalid key or a negative timestamp; nothing was sent.</exception>
    public Task LogMetricAsync(
        string runId, string key, double value, long? timestamp = null, long? step = 0, bool? synchronous = null,
        string? datasetName = null, string? datasetDigest = null, string? modelId = null, CancellationToken cancellationToken = default)
    {
        CheckLoggingRunId(runId);
        RunLimits.CheckKey(key, "Metric name", nameof(key));
        var time = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        RunLimits.CheckTimestamp(key, value, time, nameof(timestamp));
        if (IsSynchronous(synchronous))
        {
            return Api.Api.V20.Mlflow.Runs.LogMetric.PostAsync(new LogMetric
            {
                RunId = runId, Key = key, Value = value, Timestamp = time, Step = step ?? 0,
                DatasetName = datasetName, DatasetDigest = datasetDigest, ModelId = modelId,
            }, cancellationToken: cancellationToken);
        }
        return Queue(new BackgroundLogger.Entry
        {
            Kind = BackgroundLogger.EntryKind.Metric, RunId = runId, Key = key, Value = value, Timestamp = time, Step = step ?? 0,
            DatasetName = datasetName, DatasetDigest = datasetDigest, ModelId = modelId,
        }, cancellationToken);
    }

    /// <summary>Sets a tag on a run, replacing the value the key had (Python: <c>set_tag</c>).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="key">The tag key (at most 250 characters).</param>
    /// <param name="value">The value (at most 8,000 characters; longer ones are cut unless <c>MLFLOW_TRUNCATE_LONG_VALUES=false</c>).</param>
    /// <param name="synchronous">False: queue it for the background logger; null: as <c>MLFLOW_ENABLE_ASYNC_LOGGING</c> says.</param>
    /// <param name="cancellationToken">Cancels the request, or the wait for room in the queue.</param>
    /// <returns>A task that completes when the tag is set (synchronous) or queued.</returns>
    /// <exception cref="ArgumentException">An invalid key or value; nothing was sent.</exception>
    public Task SetTagAsync(string runId, string key, string value, bool? synchronous = null, CancellationToken cancellationToken = default)
    {
        CheckLoggingRunId(runId);
        RunLimits.CheckKey(key, "Tag key", nameof(key));
        value = RunLimits.CheckValue(value, "Tag value", RunLimits.MaxTagValueLength, Settings.BackgroundLogging.TruncateLongValues, RunsLogger, nameof(value));
        if (IsSynchronous(synchronous))
            return Api.Api.V20.Mlflow.Runs.SetTag.PostAsync(new SetTag { RunId = runId, Key = key, Value = value }, cancellationToken: cancellationToken);
        return Queue(new BackgroundLogger.Entry { Kind = BackgroundLogger.EntryKind.Tag, RunId = runId, Key = key, Text = value }, cancellationToken);
    }

    /// <summary>
    /// Logs metrics, params and tags of a run (Python: <c>log_batch</c>), in as many log-batch requests as MLflow's
    /// limits need (1,000 metrics, 100 params, 100 tags, 1,000 entities and 1 MB per request; params and tags go first).
    /// Everything is checked before the first request: one bad key or value fails the call with nothing sent.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="metrics">Metric values (any number).</param>
    /// <param name="params">Params (any number, each key once).</param>
    /// <param name="tags">Tags (any number).</param>
    /// <param name="synchronous">False: queue everything for the background logger; null: as <c>MLFLOW_ENABLE_ASYNC_LOGGING</c> says.</param>
    /// <param name="cancellationToken">Cancels the requests (those already answered stay logged), or the wait for room in the queue.</param>
    /// <returns>A task that completes when everything is logged (synchronous) or queued.</returns>
    /// <exception cref="ArgumentException">An invalid key or value, or a param key given twice; nothing was sent.</exception>
    public async Task LogBatchAsync(
        string runId, IEnumerable<Metric>? metrics = null, IEnumerable<Param>? @params = null, IEnumerable<RunTag>? tags = null,
        bool? synchronous = null, CancellationToken cancellationToken = default)
    {
        CheckLoggingRunId(runId);
        var (metricList, paramList, tagList) = CheckBatch(metrics, @params, tags);
        if (metricList.Count + paramList.Count + tagList.Count == 0) return;
        if (IsSynchronous(synchronous))
        {
            foreach (var request in BatchSplitter.Split(runId, metricList, paramList, tagList))
                await SendBatchAsync(runId, request, cancellationToken).ConfigureAwait(false);
            return;
        }
        foreach (var p in paramList) await Queue(new BackgroundLogger.Entry { Kind = BackgroundLogger.EntryKind.Param, RunId = runId, Key = p.Key, Text = p.Value }, cancellationToken).ConfigureAwait(false);
        foreach (var t in tagList) await Queue(new BackgroundLogger.Entry { Kind = BackgroundLogger.EntryKind.Tag, RunId = runId, Key = t.Key, Text = t.Value }, cancellationToken).ConfigureAwait(false);
        foreach (var m in metricList)
        {
            await Queue(new BackgroundLogger.Entry
            {
                Kind = BackgroundLogger.EntryKind.Metric, RunId = runId, Key = m.Key, Value = m.Value, Timestamp = m.Timestamp, Step = m.Step,
                DatasetName = m.DatasetName, DatasetDigest = m.DatasetDigest, ModelId = m.ModelId,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until everything logged so far with <c>synchronous: false</c> has been sent (Python:
    /// <c>mlflow.flush_async_logging</c>). Returns at once when nothing was logged in the background.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the entries stay queued and are still sent).</param>
    /// <returns>A task that completes when the queue is drained.</returns>
    /// <exception cref="MlflowBackgroundLoggingException">Entries that could not be logged since the last flush; <c>NotLogged</c> lists them.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref backgroundLogger) is { } logger ? logger.FlushAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Sends what the background logger still holds, then disposes the client.</summary>
    /// <returns>A task that completes when everything is sent and the client disposed.</returns>
    /// <exception cref="MlflowBackgroundLoggingException">Entries logged in the background that could not be logged.</exception>
    public async ValueTask DisposeAsync()
    {
        var logger = Interlocked.Exchange(ref backgroundLogger, null);
        try
        {
            if (logger is not null) await logger.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }
    }

    private void StopBackgroundLogger()
    {
        var logger = Interlocked.Exchange(ref backgroundLogger, null);
        logger?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Whether a call with this <c>synchronous</c> argument is sent at once.</summary>
    internal bool IsSynchronous(bool? synchronous) => synchronous ?? !Settings.BackgroundLogging.Enabled;

    private Task Queue(BackgroundLogger.Entry entry, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var pending = Logger().EnqueueAsync(entry, cancellationToken);
        return pending.IsCompletedSuccessfully ? Task.CompletedTask : pending.AsTask();
    }

    private BackgroundLogger Logger()
    {
        if (Volatile.Read(ref backgroundLogger) is { } existing) return existing;
        lock (backgroundLoggerGate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
            return backgroundLogger ??= new BackgroundLogger(
                SendBatchJsonAsync,
                Settings.BackgroundLogging,
                Settings.BackgroundLogging.RetryTimeout ?? (Settings.RetryDeadline == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : Settings.RetryDeadline),
                Settings.BackoffFactor,
                RunsLogger);
        }
    }

    /// <summary>One log-batch request (already within MLflow's limits).</summary>
    private Task SendBatchAsync(string runId, BatchRequest request, CancellationToken cancellationToken)
    {
        // Empty kinds are left out of the body, as MLflow's Python client leaves them out.
        var body = new LogBatch { RunId = runId };
        if (request.Metrics.Count > 0) body.Metrics = request.Metrics;
        if (request.Params.Count > 0) body.Params = request.Params;
        if (request.Tags.Count > 0) body.Tags = request.Tags;
        return Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(body, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// One log-batch request with a body the background logger wrote, through the Kiota request adapter (so the
    /// authentication provider, the HTTP pipeline's retries and error translation apply as to every call).
    /// </summary>
    private Task SendBatchJsonAsync(string runId, byte[] body, CancellationToken cancellationToken)
    {
        var request = Api.Api.V20.Mlflow.Runs.LogBatch.ToPostRequestInformation(new LogBatch { RunId = runId });
        request.SetStreamContent(new MemoryStream(body, writable: false), "application/json");
        return RequestAdapter.SendNoContentAsync(request, errorMapping: null, cancellationToken);
    }

    private (List<Metric> Metrics, List<Param> Params, List<RunTag> Tags) CheckBatch(IEnumerable<Metric>? metrics, IEnumerable<Param>? parameters, IEnumerable<RunTag>? tags)
    {
        var truncate = Settings.BackgroundLogging.TruncateLongValues;
        var metricList = metrics?.ToList() ?? [];
        var paramList = new List<Param>();
        var tagList = new List<RunTag>();
        for (var i = 0; i < metricList.Count; i++)
        {
            var m = metricList[i] ?? throw new ArgumentException($"metrics[{i}] is null.", nameof(metrics));
            RunLimits.CheckKey(m.Key, "Metric name", nameof(metrics));
            RunLimits.CheckTimestamp(m.Key, m.Value, m.Timestamp, nameof(metrics));
        }
        if (parameters is not null)
        {
            foreach (var p in parameters)
            {
                ArgumentNullException.ThrowIfNull(p, nameof(parameters));
                RunLimits.CheckKey(p.Key, "Param key", "params");
                var value = RunLimits.CheckValue(p.Value, "Param value", RunLimits.MaxParamValueLength, truncate, RunsLogger, "params");
                paramList.Add(ReferenceEquals(value, p.Value) ? p : new Param(p.Key, value));
            }
            var duplicates = paramList.GroupBy(p => p.Key, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0) throw new ArgumentException(RunLimits.DuplicateParams(duplicates), "params");
        }
        if (tags is not null)
        {
            foreach (var t in tags)
            {
                ArgumentNullException.ThrowIfNull(t, nameof(tags));
                RunLimits.CheckKey(t.Key, "Tag key", nameof(tags));
                var value = RunLimits.CheckValue(t.Value, "Tag value", RunLimits.MaxTagValueLength, truncate, RunsLogger, nameof(tags));
                tagList.Add(ReferenceEquals(value, t.Value) ? t : new RunTag(t.Key, value));
            }
        }
        return (metricList, paramList, tagList);
    }

    private static void CheckLoggingRunId(string runId) => ArgumentException.ThrowIfNullOrWhiteSpace(runId);
}
