using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mlflow.Tracing;

/// <summary>
/// Options of the MLflow exporter (<c>AddMlflowExporter</c>). The tracking URI, credentials, TLS settings and
/// workspace come from <see cref="Client"/>, resolved exactly as <see cref="MlflowClient"/> resolves them (explicit
/// values first, then MLflow's environment variables: <c>MLFLOW_TRACKING_URI</c>, <c>MLFLOW_TRACKING_TOKEN</c>, ...).
/// The experiment is given by id or by name; a name that does not exist yet is created, as
/// <c>mlflow.set_experiment</c> does. With neither, <c>MLFLOW_EXPERIMENT_ID</c> / <c>MLFLOW_EXPERIMENT_NAME</c> are
/// read, and the Default experiment ("0") is the last resort.
/// </summary>
public sealed class MlflowExporterOptions
{
    /// <summary>The experiment id traces go to.</summary>
    public string? ExperimentId { get; set; }

    /// <summary>The experiment name traces go to (created when missing); ignored when <see cref="ExperimentId"/> is set.</summary>
    public string? ExperimentName { get; set; }

    /// <summary>Where MLflow is and how to reach it (same options and environment variables as the client).</summary>
    public MlflowClientOptions Client { get; set; } = new();

    /// <summary>Batch (default) or simple (one export per span, for tests and scripts) span processing.</summary>
    public ExportProcessorType ExportProcessorType { get; set; } = ExportProcessorType.Batch;

    /// <summary>OpenTelemetry's batching: queue size, batch size, delay, timeout.</summary>
    public BatchExportActivityProcessorOptions BatchExportProcessorOptions { get; set; } = new();

    /// <summary>Timeout of one OTLP export request (default 10 s, OpenTelemetry's default).</summary>
    public TimeSpan ExportTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many times a batch whose export failed transiently (connection refused, timeout, 408, 429, 5xx other
    /// than 501) is sent again (default 6), waiting <see cref="RetryInitialDelay"/>, then twice as long each time, at
    /// most <see cref="RetryMaxDelay"/>. Permanent failures (other 4xx, 501) are not repeated.
    /// </summary>
    public int MaxExportRetries { get; set; } = 6;

    /// <summary>First wait before repeating a failed export (default 1 s).</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts (default 30 s).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the trace info (name, previews, state, metadata, tags) is also written with MLflow's
    /// <c>StartTraceV3</c> when a root span is exported, as Python's exporter does (default true). Without it, the
    /// server derives the trace info from the spans alone.
    /// </summary>
    public bool LogTraceInfo { get; set; } = true;

    /// <summary>
    /// Whether spans that follow OpenTelemetry's GenAI conventions (Microsoft.Extensions.AI, Semantic Kernel, other
    /// instrumentations) get MLflow's span type, inputs, outputs, model and token usage attributes (default true).
    /// </summary>
    public bool MapGenAiSpans { get; set; } = true;

    /// <summary>
    /// Whether the provider also listens to the GenAI sources of Microsoft.Extensions.AI
    /// (<c>Experimental.Microsoft.Extensions.AI</c>) and Semantic Kernel (<c>Microsoft.SemanticKernel*</c>) besides
    /// <see cref="MlflowTracing.ActivitySourceName"/> (default true).
    /// </summary>
    public bool IncludeGenAiSources { get; set; } = true;

    /// <summary>Which finished activities go to MLflow (default: all the provider records).</summary>
    public Func<Activity, bool>? Filter { get; set; }

    /// <summary>Logging of export failures (default: none; failures never reach the application).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Tests: the handler that does the I/O of both the OTLP exporter and the REST calls.</summary>
    internal HttpMessageHandler? PrimaryHandler { get; set; }
}
