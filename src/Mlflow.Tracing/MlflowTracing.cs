using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mlflow.Tracing;

/// <summary>
/// MLflow's tracing API in .NET terms (Python: <c>mlflow.start_span</c>, <c>@mlflow.trace</c>,
/// <c>mlflow.update_current_trace</c>). Spans are <see cref="Activity"/> objects of the source
/// <see cref="ActivitySourceName"/>; <c>AddMlflowExporter</c> listens to it and sends the traces to MLflow.
/// </summary>
/// <example>
/// <code>
/// using var span = MlflowTracing.StartSpan("retrieve", SpanType.Retriever, inputs: new { query });
/// var documents = await store.SearchAsync(query);
/// span.SetOutputs(documents);
/// </code>
/// </example>
public static class MlflowTracing
{
    /// <summary>The name of the <see cref="ActivitySource"/> of MLflow spans: <c>Mlflow.Tracing</c>.</summary>
    public const string ActivitySourceName = "Mlflow.Tracing";

    private static JsonSerializerOptions serializerOptions = SpanValues.DefaultOptions;

    /// <summary>The source of MLflow spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, typeof(MlflowTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>
    /// How inputs, outputs and attribute values are serialized to JSON (default: web defaults, camelCase names, nulls
    /// left out, enums as strings, cycles ignored).
    /// </summary>
    public static JsonSerializerOptions SerializerOptions
    {
        get => serializerOptions;
        set => serializerOptions = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The current span, when the current activity is one (any source), or <see langword="null"/>.</summary>
    public static MlflowSpan? CurrentSpan => Activity.Current is { } a ? new MlflowSpan(a) : null;

    /// <summary>The MLflow id of the current trace (<c>tr-...</c>), or <see langword="null"/> outside a trace.</summary>
    public static string? CurrentTraceId => Activity.Current is { } a ? ToMlflowTraceId(a.TraceId) : null;

    /// <summary>
    /// Starts a span, a child of the current activity (a new trace when there is none). Dispose it to end it.
    /// </summary>
    /// <param name="name">Span name.</param>
    /// <param name="spanType">MLflow span type (see <see cref="SpanType"/>; default <c>UNKNOWN</c>).</param>
    /// <param name="inputs">Inputs (any value, serialized to JSON).</param>
    /// <param name="attributes">Attributes (values stored as JSON).</param>
    /// <param name="kind">OpenTelemetry span kind.</param>
    /// <returns>The span (a no-op span when nothing listens).</returns>
    [RequiresUnreferencedCode("Serializes inputs and attributes with reflection.")]
    [RequiresDynamicCode("Serializes inputs and attributes with reflection.")]
    public static MlflowSpan StartSpan(
        string name, string spanType = SpanType.Unknown, object? inputs = null, IEnumerable<KeyValuePair<string, object?>>? attributes = null,
        ActivityKind kind = ActivityKind.Internal)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var span = StartSpanCore(name, spanType, kind);
        if (!span.IsRecording) return span;
        if (inputs is not null) span.SetInputs(inputs);
        if (attributes is not null) span.SetAttributes(attributes);
        return span;
    }

    /// <summary>Starts a span without inputs (no reflection involved).</summary>
    /// <param name="name">Span name.</param>
    /// <param name="spanType">MLflow span type.</param>
    /// <param name="kind">OpenTelemetry span kind.</param>
    /// <returns>The span.</returns>
    public static MlflowSpan StartSpanCore(string name, string spanType = SpanType.Unknown, ActivityKind kind = ActivityKind.Internal)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(spanType);
        var activity = ActivitySource.StartActivity(name, kind);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MlflowSpanAttributes.SpanType, SpanValues.Quote(spanType));
        }
        return new MlflowSpan(activity);
    }

    /// <summary>
    /// Runs a function inside a span (Python: <c>@mlflow.trace</c>): its result becomes the span outputs, an exception
    /// is recorded on the span and rethrown.
    /// </summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="name">Span name.</param>
    /// <param name="spanType">Span type.</param>
    /// <param name="inputs">Inputs.</param>
    /// <param name="body">The work; it gets the span.</param>
    /// <returns>The function's result.</returns>
    [RequiresUnreferencedCode("Serializes inputs and outputs with reflection.")]
    [RequiresDynamicCode("Serializes inputs and outputs with reflection.")]
    public static async Task<T> TraceAsync<T>(string name, string spanType, object? inputs, Func<MlflowSpan, Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var span = StartSpan(name, spanType, inputs);
        try
        {
            var result = await body(span).ConfigureAwait(false);
            span.SetOutputs(result);
            return result;
        }
        catch (Exception e)
        {
            span.RecordException(e);
            throw;
        }
    }

    /// <summary>
    /// Updates the current trace (Python: <c>mlflow.update_current_trace</c>): tags, metadata, previews, the client
    /// request id, and the application's session and user. Values are sent with the trace info when the root span is
    /// exported; tags, session and user also travel on the root span (<c>mlflow.traceTag.*</c>, <c>session.id</c>,
    /// <c>user.id</c>), as MLflow's OTLP exporter writes them. Outside a trace, nothing happens.
    /// </summary>
    /// <param name="tags">Trace tags.</param>
    /// <param name="metadata">Trace metadata (immutable in MLflow once the trace is logged).</param>
    /// <param name="clientRequestId">The application's request id.</param>
    /// <param name="requestPreview">Replaces the request preview (default: the root span inputs).</param>
    /// <param name="responsePreview">Replaces the response preview (default: the root span outputs).</param>
    /// <param name="sessionId">The application session (<c>mlflow.trace.session</c>).</param>
    /// <param name="userId">The application user (<c>mlflow.trace.user</c>).</param>
    public static void UpdateCurrentTrace(
        IReadOnlyDictionary<string, string>? tags = null, IReadOnlyDictionary<string, string>? metadata = null, string? clientRequestId = null,
        string? requestPreview = null, string? responsePreview = null, string? sessionId = null, string? userId = null)
    {
        var activity = Activity.Current;
        if (activity is null || !activity.Recorded) return;
        var root = TraceRegistry.Root(activity);
        var state = TraceRegistry.For(activity);
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(tags));
            state.Tags[key] = value ?? "";
            root.SetTag(MlflowSpanAttributes.TraceTagPrefix + key, value ?? "");
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(metadata));
            state.Metadata[key] = value ?? "";
        }
        if (clientRequestId is not null) state.ClientRequestId = clientRequestId;
        if (requestPreview is not null) state.RequestPreview = requestPreview;
        if (responsePreview is not null) state.ResponsePreview = responsePreview;
        if (sessionId is not null)
        {
            state.Metadata[MlflowTraceKeys.Session] = sessionId;
            root.SetTag(MlflowSpanAttributes.SessionId, sessionId);
        }
        if (userId is not null)
        {
            state.Metadata[MlflowTraceKeys.User] = userId;
            root.SetTag(MlflowSpanAttributes.UserId, userId);
        }
    }

    /// <summary>
    /// Links the current trace to a run (metadata <c>mlflow.sourceRun</c>, as a trace made under an active run in
    /// Python) or to a logged model (<c>mlflow.modelId</c>).
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="modelId">The logged model.</param>
    public static void LinkCurrentTrace(string? runId = null, string? modelId = null)
    {
        var activity = Activity.Current;
        if (activity is null || !activity.Recorded) return;
        var state = TraceRegistry.For(activity);
        if (!string.IsNullOrEmpty(runId)) state.Metadata[MlflowTraceKeys.SourceRun] = runId;
        if (!string.IsNullOrEmpty(modelId)) state.Metadata[MlflowTraceKeys.ModelId] = modelId;
    }

    /// <summary>
    /// A tracer provider that exports to MLflow, without dependency injection; dispose it at shutdown (it flushes).
    /// </summary>
    /// <param name="configure">Exporter options (experiment, client options...).</param>
    /// <param name="sources">Extra activity sources to listen to.</param>
    /// <returns>The provider.</returns>
    public static TracerProvider CreateTracerProvider(Action<MlflowExporterOptions>? configure = null, params string[] sources)
    {
        var builder = Sdk.CreateTracerProviderBuilder();
        if (sources.Length > 0) builder.AddSource(sources);
        return builder.AddMlflowExporter(configure).Build()
            ?? throw new InvalidOperationException("OpenTelemetry did not build a tracer provider.");
    }

    /// <summary>The MLflow trace id of an OpenTelemetry trace id: <c>tr-</c> + 32 hex digits.</summary>
    /// <param name="traceId">The OpenTelemetry trace id.</param>
    /// <returns>The MLflow id.</returns>
    public static string ToMlflowTraceId(ActivityTraceId traceId) => "tr-" + traceId.ToHexString();
}
