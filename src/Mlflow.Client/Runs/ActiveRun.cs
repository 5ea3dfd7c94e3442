using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// A run in progress, from <see cref="MlflowClient.StartRunAsync"/> (Python: <c>with mlflow.start_run() as run</c>).
/// Its methods log to this run; disposing it ends the run <see cref="RunStatus.Finished"/> after sending what the
/// background logger still holds for it. <see cref="EndAsync"/> ends it with another status, and
/// <see cref="ExecuteAsync"/> runs a body that ends it <see cref="RunStatus.Failed"/> when the body throws and
/// <see cref="RunStatus.Killed"/> when it is cancelled.
/// </summary>
/// <remarks>
/// Logging calls take <c>synchronous</c> as Python's do; left null they follow the run's default: background logging
/// when the run was started with <c>logInBackground: true</c> or <c>MLFLOW_ENABLE_ASYNC_LOGGING=true</c>.
/// </remarks>
public sealed class ActiveRun : IAsyncDisposable
{
    private readonly bool? synchronousDefault;
    private int ended;

    internal ActiveRun(MlflowClient client, Run run, string? parentRunId, bool? logInBackground)
    {
        Client = client;
        Run = run;
        ParentRunId = parentRunId;
        synchronousDefault = logInBackground is { } background ? !background : null;
    }

    /// <summary>The client the run logs through.</summary>
    public MlflowClient Client { get; }

    /// <summary>The run as MLflow created it (its data is not refreshed as the run logs; <c>GetRunAsync</c> reads it).</summary>
    public Run Run { get; }

    /// <summary>The run id.</summary>
    public string RunId => Run.Info.RunId;

    /// <summary>The run's experiment.</summary>
    public string ExperimentId => Run.Info.ExperimentId;

    /// <summary>The run's name (MLflow picks one when none was given).</summary>
    public string RunName => Run.Info.RunName;

    /// <summary>The parent run of a nested run, or null.</summary>
    public string? ParentRunId { get; }

    /// <summary>The status the run was ended with, or null while it is active.</summary>
    public RunStatus? EndStatus { get; private set; }

    /// <summary>Whether calls whose <c>synchronous</c> argument is null log in the background.</summary>
    public bool LogsInBackground => !Client.IsSynchronous(synchronousDefault);

    private bool? Sync(bool? synchronous) => synchronous ?? synchronousDefault;

    /// <summary>Logs a metric value (Python: <c>mlflow.log_metric(key, value, step)</c>).</summary>
    /// <param name="key">The metric name.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The step (null: 0).</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="timestamp">Milliseconds since the epoch (null: now).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the value is logged or queued.</returns>
    public Task LogMetricAsync(string key, double value, long? step = null, bool? synchronous = null, long? timestamp = null, CancellationToken cancellationToken = default) =>
        Client.LogMetricAsync(RunId, key, value, timestamp, step, Sync(synchronous), cancellationToken: cancellationToken);

    /// <summary>Logs several metrics at one step and time (Python: <c>mlflow.log_metrics</c>).</summary>
    /// <param name="metrics">Names and values.</param>
    /// <param name="step">The step (null: 0).</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="timestamp">Milliseconds since the epoch (null: now).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the values are logged or queued.</returns>
    public Task LogMetricsAsync(IReadOnlyDictionary<string, double> metrics, long? step = null, bool? synchronous = null, long? timestamp = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var time = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Client.LogBatchAsync(RunId, metrics: metrics.Select(m => new Metric(m.Key, m.Value, time, step ?? 0)).ToList(), synchronous: Sync(synchronous), cancellationToken: cancellationToken);
    }

    /// <summary>Logs a param (Python: <c>mlflow.log_param</c>).</summary>
    /// <param name="key">The name.</param>
    /// <param name="value">The value.</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the param is logged or queued.</returns>
    public Task LogParamAsync(string key, string value, bool? synchronous = null, CancellationToken cancellationToken = default) =>
        Client.LogParamAsync(RunId, key, value, Sync(synchronous), cancellationToken);

    /// <summary>Logs several params (Python: <c>mlflow.log_params</c>).</summary>
    /// <param name="params">Names and values.</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the params are logged or queued.</returns>
    public Task LogParamsAsync(IReadOnlyDictionary<string, string> @params, bool? synchronous = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@params);
        return Client.LogBatchAsync(RunId, @params: @params.Select(p => new Param(p.Key, p.Value)).ToList(), synchronous: Sync(synchronous), cancellationToken: cancellationToken);
    }

    /// <summary>Sets a tag (Python: <c>mlflow.set_tag</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the tag is set or queued.</returns>
    public Task SetTagAsync(string key, string value, bool? synchronous = null, CancellationToken cancellationToken = default) =>
        Client.SetTagAsync(RunId, key, value, Sync(synchronous), cancellationToken);

    /// <summary>Sets several tags (Python: <c>mlflow.set_tags</c>).</summary>
    /// <param name="tags">Keys and values.</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the tags are set or queued.</returns>
    public Task SetTagsAsync(IReadOnlyDictionary<string, string> tags, bool? synchronous = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Client.LogBatchAsync(RunId, tags: tags.Select(t => new RunTag(t.Key, t.Value)).ToList(), synchronous: Sync(synchronous), cancellationToken: cancellationToken);
    }

    /// <summary>Logs metrics, params and tags, split into requests within MLflow's limits (Python: <c>log_batch</c>).</summary>
    /// <param name="metrics">Metric values.</param>
    /// <param name="params">Params.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="synchronous">False: in the background; null: the run's default.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when everything is logged or queued.</returns>
    public Task LogBatchAsync(IEnumerable<Metric>? metrics = null, IEnumerable<Param>? @params = null, IEnumerable<RunTag>? tags = null, bool? synchronous = null, CancellationToken cancellationToken = default) =>
        Client.LogBatchAsync(RunId, metrics, @params, tags, Sync(synchronous), cancellationToken);

    /// <summary>Logs a local file or folder as an artifact of the run (Python: <c>mlflow.log_artifact</c>).</summary>
    /// <param name="localPath">The file or folder.</param>
    /// <param name="artifactPath">The folder inside the run's artifacts (null: the root).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the artifact is stored.</returns>
    public Task LogArtifactAsync(string localPath, string? artifactPath = null, CancellationToken cancellationToken = default) =>
        Client.LogArtifactAsync(RunId, localPath, artifactPath, cancellationToken: cancellationToken);

    /// <summary>Logs every file of a local folder as artifacts of the run (Python: <c>mlflow.log_artifacts</c>).</summary>
    /// <param name="localDir">The folder.</param>
    /// <param name="artifactPath">The folder inside the run's artifacts (null: the root).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the files are stored.</returns>
    public Task LogArtifactsAsync(string localDir, string? artifactPath = null, CancellationToken cancellationToken = default) =>
        Client.LogArtifactsAsync(RunId, localDir, artifactPath, cancellationToken: cancellationToken);

    /// <summary>Logs a text as an artifact file of the run (Python: <c>mlflow.log_text</c>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    public Task LogTextAsync(string text, string artifactFile, CancellationToken cancellationToken = default) =>
        Client.LogTextAsync(RunId, text, artifactFile, cancellationToken);

    /// <summary>
    /// Records a dataset the run used (Python: <c>mlflow.log_input(dataset, context, tags)</c>); the context
    /// (<c>training</c>, <c>validation</c>, ...) becomes the input tag <c>mlflow.data.context</c>.
    /// </summary>
    /// <param name="dataset">The dataset (<see cref="MlflowDatasets.FromSource"/> builds one from a name and a source).</param>
    /// <param name="context">What the run used it for, or null.</param>
    /// <param name="tags">More input tags.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the input is recorded.</returns>
    public Task LogInputAsync(Dataset dataset, string? context = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var inputTags = new List<InputTag>();
        if (context is not null) inputTags.Add(new InputTag(MlflowDatasets.ContextTag, context));
        if (tags is not null) inputTags.AddRange(tags.Select(t => new InputTag(t.Key, t.Value)));
        return Client.Api.Api.V20.Mlflow.Runs.LogInputs.PostAsync(
            new LogInputs { RunId = RunId, Datasets = [new DatasetInput(dataset, inputTags)] }, cancellationToken: cancellationToken);
    }

    /// <summary>Starts a run nested under this one (Python: <c>mlflow.start_run(nested=True)</c>), in the same experiment.</summary>
    /// <param name="runName">The child's name (null: MLflow picks one).</param>
    /// <param name="tags">The child's tags.</param>
    /// <param name="description">The child's description.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The child run; dispose it to end it.</returns>
    public Task<ActiveRun> StartNestedRunAsync(string? runName = null, IReadOnlyDictionary<string, string>? tags = null, string? description = null, CancellationToken cancellationToken = default) =>
        Client.StartRunAsync(ExperimentId, runName, tags, parentRunId: RunId, description: description,
            logInBackground: synchronousDefault is { } sync ? !sync : null, cancellationToken: cancellationToken);

    /// <summary>Waits until everything this client logged in the background so far has been sent.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the queue is drained.</returns>
    /// <exception cref="MlflowBackgroundLoggingException">Entries that could not be logged.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Client.FlushAsync(cancellationToken);

    /// <summary>
    /// Ends the run (Python: <c>mlflow.end_run(status)</c>): sends what the background logger holds, then sets the
    /// status and the end time. A second call does nothing.
    /// </summary>
    /// <param name="status">The final status (default <see cref="RunStatus.Finished"/>).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the run is ended.</returns>
    /// <exception cref="MlflowBackgroundLoggingException">Entries logged in the background could not be logged (the run is ended all the same).</exception>
    public async Task EndAsync(RunStatus status = RunStatus.Finished, CancellationToken cancellationToken = default)
    {
        if (status is RunStatus.Running or RunStatus.Scheduled) throw new ArgumentOutOfRangeException(nameof(status), status, "A run ends FINISHED, FAILED or KILLED.");
        if (Interlocked.Exchange(ref ended, 1) != 0) return;
        try
        {
            await Client.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Client.Api.Api.V20.Mlflow.Runs.Update.PostAsync(
                new UpdateRun { RunId = RunId, Status = status, EndTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                cancellationToken: CancellationToken.None).ConfigureAwait(false);
            EndStatus = status;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> in this run and ends the run: <see cref="RunStatus.Finished"/> when it completes,
    /// <see cref="RunStatus.Killed"/> when it is cancelled (<see cref="OperationCanceledException"/>),
    /// <see cref="RunStatus.Failed"/> when it throws anything else; the exception is rethrown.
    /// </summary>
    /// <param name="body">The work (the training loop).</param>
    /// <returns>A task that completes when the run is ended.</returns>
    public async Task ExecuteAsync(Func<ActiveRun, Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        await ExecuteAsync<bool>(async run => { await body(run).ConfigureAwait(false); return true; }).ConfigureAwait(false);
    }

    /// <summary>As <see cref="ExecuteAsync(Func{ActiveRun, Task})"/>, returning the body's result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="body">The work.</param>
    /// <returns>The body's result.</returns>
    public async Task<T> ExecuteAsync<T>(Func<ActiveRun, Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        T result;
        try
        {
            result = await body(this).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            var status = error is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed;
            try
            {
                await EndAsync(status).ConfigureAwait(false);
            }
            catch (MlflowBackgroundLoggingException lost)
            {
                // Both matter: the body's failure, and the entries that were not logged.
                throw new AggregateException(error, lost);
            }
            catch (Exception e) when (e is MlflowException or HttpRequestException)
            {
                // The body's exception is the one to see; failing to record the status must not hide it.
            }
            throw;
        }
        await EndAsync(RunStatus.Finished).ConfigureAwait(false);
        return result;
    }

    /// <summary>Ends the run <see cref="RunStatus.Finished"/> unless it was ended already.</summary>
    /// <returns>A task that completes when the run is ended.</returns>
    public async ValueTask DisposeAsync() => await EndAsync(RunStatus.Finished).ConfigureAwait(false);
}
