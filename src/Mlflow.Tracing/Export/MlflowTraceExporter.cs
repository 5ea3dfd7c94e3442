using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlflow.Client.Models;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Mlflow.Tracing;

/// <summary>
/// Sends finished spans to MLflow: the spans through OpenTelemetry's OTLP exporter to <c>POST /v1/traces</c> (as
/// MLflow's Python SDK uploads them), repeated on transient failures; then, for each root span, the trace info
/// through <c>StartTraceV3</c> (name, previews, state, times, metadata, tags), as Python's exporter does. Never throws:
/// failures are logged and reported to OpenTelemetry as a failed export.
/// </summary>
internal sealed class MlflowTraceExporter : BaseExporter<Activity>
{
    /// <summary>MLflow OSS keeps request/response previews to 1000 characters.</summary>
    internal const int PreviewMaxLength = 1000;

    private readonly MlflowExporterOptions options;
    private readonly MlflowSettings settings;
    private readonly MlflowClient client;
    private readonly OtlpTraceExporter otlp;
    private readonly MlflowOtlpHandler handler;
    private readonly ILogger logger;
    private readonly CancellationTokenSource shutdown = new();
    private readonly SemaphoreSlim experimentLock = new(1, 1);
    private string? experimentId;
    private volatile bool spanLoggingUnsupported;

    public MlflowTraceExporter(MlflowExporterOptions options)
    {
        this.options = options;
        settings = options.Client.Resolve();
        logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Mlflow.Tracing.Exporter");
        var primary = options.PrimaryHandler ?? MlflowHttpPipeline.CreatePrimaryHandler(settings);
        client = new MlflowClient(options.Client, options.LoggerFactory, timeProvider: null, innerHandler: new NonDisposingHandler(primary));
        handler = new MlflowOtlpHandler(settings, ResolveExperimentAsync, primary);
        var otlpOptions = new OtlpExporterOptions
        {
            Endpoint = new Uri(settings.BaseUrl + "/v1/traces"),
            Protocol = OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = (int)Math.Clamp(options.ExportTimeout.TotalMilliseconds, 1, int.MaxValue),
            HttpClientFactory = () => new HttpClient(handler, disposeHandler: false) { Timeout = options.ExportTimeout },
        };
        otlp = new OtlpTraceExporter(otlpOptions);
        experimentId = string.IsNullOrWhiteSpace(options.ExperimentId) ? null : options.ExperimentId;
    }

    /// <summary>The resolved experiment id, once known.</summary>
    internal string? ExperimentId => experimentId;

    public override ExportResult Export(in Batch<Activity> batch)
    {
        var spans = new List<Activity>();
        foreach (var activity in batch)
        {
            if (options.Filter is null || SafeFilter(activity)) spans.Add(activity);
        }
        if (spans.Count == 0) return ExportResult.Success;
        using var suppress = SuppressInstrumentationScope.Begin();
        try
        {
            var result = spanLoggingUnsupported ? ExportResult.Success : ExportSpans(spans);
            // When the spans could not be sent (the server is unreachable), the trace info would not get through
            // either: it is skipped rather than holding the export thread for the client's retries too.
            if (options.LogTraceInfo && (result == ExportResult.Success || spanLoggingUnsupported))
            {
                foreach (var root in spans.Where(IsLocalRoot))
                {
                    LogTraceInfo(root);
                }
            }
            return result;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Exporting {Count} spans to MLflow failed", spans.Count);
            return ExportResult.Failure;
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => otlp.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        shutdown.Cancel();
        return otlp.Shutdown(timeoutMilliseconds);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shutdown.Cancel();
            otlp.Dispose();
            client.Dispose();
            handler.Dispose();
            shutdown.Dispose();
            experimentLock.Dispose();
        }
        base.Dispose(disposing);
    }

    private bool SafeFilter(Activity activity)
    {
        try
        {
            return options.Filter!(activity);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "The MLflow exporter's filter threw; the span {Name} is exported", activity.DisplayName);
            return true;
        }
    }

    private static bool IsLocalRoot(Activity activity) => activity.Parent is null && activity.ParentSpanId == default;

    /// <summary>Sends the spans over OTLP, again after transient failures (the batch is kept in an array for that).</summary>
    private ExportResult ExportSpans(List<Activity> spans)
    {
        var items = spans.ToArray();
        var delay = options.RetryInitialDelay;
        for (var attempt = 0; ; attempt++)
        {
            var result = otlp.Export(new Batch<Activity>(items, items.Length));
            if (result == ExportResult.Success) return result;
            if (handler.LastStatus == 501)
            {
                // As Python's exporter: a store that cannot log spans is not asked again.
                spanLoggingUnsupported = true;
                logger.LogWarning("The MLflow server cannot store spans (501 on /v1/traces); only trace infos are logged from now on");
                return ExportResult.Failure;
            }
            if (handler.LastOutcome != ExportOutcome.Transient || attempt >= options.MaxExportRetries || shutdown.IsCancellationRequested)
            {
                logger.LogWarning("Sending {Count} spans to MLflow failed after {Attempts} attempts (last status {Status})", items.Length, attempt + 1, handler.LastStatus);
                return result;
            }
            logger.LogDebug("Sending spans to MLflow failed transiently (status {Status}); again in {Delay}", handler.LastStatus, delay);
            if (shutdown.Token.WaitHandle.WaitOne(delay)) return result;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.RetryMaxDelay.Ticks));
        }
    }

    private void LogTraceInfo(Activity root)
    {
        try
        {
            var experiment = ResolveExperimentAsync(shutdown.Token).GetAwaiter().GetResult();
            var info = BuildTraceInfo(root, experiment, TraceRegistry.Find(root));
            client.Api.Api.V30.Mlflow.Traces.PostAsync(new StartTraceV3 { Trace = new Mlflow.Client.Models.OtelTrace { TraceInfo = info } }, cancellationToken: shutdown.Token)
                .GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Logging the trace info of {TraceId} to MLflow failed", MlflowTracing.ToMlflowTraceId(root.TraceId));
        }
    }

    /// <summary>The trace info Python's exporter sends for a finished trace, from the root span and the trace state.</summary>
    internal static TraceInfoV3 BuildTraceInfo(Activity root, string experimentId, TraceState? state)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MlflowTraceKeys.SchemaVersion] = "3",
            ["mlflow.user"] = Environment.UserName,
            ["mlflow.source.name"] = Assembly.GetEntryAssembly()?.GetName().Name ?? "dotnet",
            ["mlflow.source.type"] = "LOCAL",
        };
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MlflowTraceKeys.TraceName] = root.DisplayName,
        };
        if (state is not null)
        {
            foreach (var (k, v) in state.Metadata) metadata[k] = v;
            foreach (var (k, v) in state.Tags) tags[k] = v;
            if (state.Usage is { } usage)
            {
                metadata[MlflowTraceKeys.TokenUsage] = string.Create(CultureInfo.InvariantCulture, $"{{\"input_tokens\": {usage.Input}, \"output_tokens\": {usage.Output}, \"total_tokens\": {usage.Total}}}");
            }
        }
        return new TraceInfoV3
        {
            TraceId = MlflowTracing.ToMlflowTraceId(root.TraceId),
            ClientRequestId = state?.ClientRequestId,
            TraceLocation = new TraceLocation
            {
                Type = TraceLocationTraceLocationType.MlflowExperiment,
                MlflowExperiment = new TraceLocationMlflowExperimentLocation { ExperimentId = experimentId },
            },
            RequestPreview = Truncate(state?.RequestPreview ?? root.GetTagItem(MlflowSpanAttributes.Inputs) as string),
            ResponsePreview = Truncate(state?.ResponsePreview ?? root.GetTagItem(MlflowSpanAttributes.Outputs) as string),
            RequestTime = new DateTimeOffset(DateTime.SpecifyKind(root.StartTimeUtc, DateTimeKind.Utc)),
            ExecutionDuration = FormatDuration(root.Duration),
            State = root.Status == ActivityStatusCode.Error ? TraceInfoV3State.Error : TraceInfoV3State.Ok,
            TraceMetadata = metadata,
            Tags = tags,
        };
    }

    private static string? Truncate(string? text) =>
        text is null || text.Length <= PreviewMaxLength ? text : text[..(PreviewMaxLength - 3)] + "...";

    /// <summary>A <c>google.protobuf.Duration</c> in JSON form, to the millisecond: <c>"0.250s"</c>.</summary>
    internal static string FormatDuration(TimeSpan duration) =>
        (Math.Max(0, duration.Ticks) / (double)TimeSpan.TicksPerSecond).ToString("0.000", CultureInfo.InvariantCulture) + "s";

    /// <summary>The experiment id: given, or found by name (created when missing), or MLflow's environment, or "0".</summary>
    private async Task<string> ResolveExperimentAsync(CancellationToken cancellationToken)
    {
        if (experimentId is { } known) return known;
        await experimentLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (experimentId is { } again) return again;
            var environment = options.Client.EnvironmentSource ?? MlflowEnvironment.Process;
            var name = NullIfBlank(options.ExperimentName);
            if (name is null && NullIfBlank(environment.GetVariable("MLFLOW_EXPERIMENT_ID")) is { } fromEnvironment)
            {
                return experimentId = fromEnvironment;
            }
            name ??= NullIfBlank(environment.GetVariable("MLFLOW_EXPERIMENT_NAME"));
            if (name is null) return experimentId = "0";
            using var suppress = SuppressInstrumentationScope.Begin();
            var existing = await client.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing is { ExperimentId: { } id }) return experimentId = id;
            try
            {
                var created = await client.Api.Api.V20.Mlflow.Experiments.Create
                    .PostAsync(new CreateExperiment { Name = name }, cancellationToken: cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Created the MLflow experiment {Name} ({Id}) for traces", name, created?.ExperimentId);
                return experimentId = created?.ExperimentId ?? throw new InvalidOperationException($"MLflow created the experiment {name} without answering its id.");
            }
            catch (MlflowAlreadyExistsException)
            {
                // Another process created it in between.
                var raced = await client.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false);
                return experimentId = raced?.ExperimentId ?? throw new InvalidOperationException($"The MLflow experiment {name} exists but cannot be read.");
            }
        }
        finally
        {
            experimentLock.Release();
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Shares the primary handler between the OTLP exporter and the REST client without disposing it twice.</summary>
    private sealed class NonDisposingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
            // The exporter disposes the shared handler once, through MlflowOtlpHandler.
        }
    }
}
