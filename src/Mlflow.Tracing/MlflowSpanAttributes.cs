namespace Mlflow.Tracing;

/// <summary>
/// The span attribute keys MLflow reads, with the encoding it expects. Values of the <c>mlflow.*</c> keys are JSON
/// text (a string value is a JSON string, quotes included), as MLflow's Python SDK writes them; the package README
/// lists each key with what writes it.
/// </summary>
public static class MlflowSpanAttributes
{
    /// <summary><c>mlflow.traceRequestId</c>: the MLflow trace id (<c>"tr-&lt;32 hex&gt;"</c>, JSON string) on every span.</summary>
    public const string TraceRequestId = "mlflow.traceRequestId";

    /// <summary><c>mlflow.spanType</c>: the span type (JSON string, see <see cref="SpanType"/>).</summary>
    public const string SpanType = "mlflow.spanType";

    /// <summary><c>mlflow.spanInputs</c>: the inputs (any JSON).</summary>
    public const string Inputs = "mlflow.spanInputs";

    /// <summary><c>mlflow.spanOutputs</c>: the outputs (any JSON).</summary>
    public const string Outputs = "mlflow.spanOutputs";

    /// <summary><c>mlflow.spanFunctionName</c>: the function a span wraps (JSON string).</summary>
    public const string FunctionName = "mlflow.spanFunctionName";

    /// <summary><c>mlflow.chat.tokenUsage</c>: <c>{"input_tokens", "output_tokens", "total_tokens"}</c> of an LLM call.</summary>
    public const string ChatTokenUsage = "mlflow.chat.tokenUsage";

    /// <summary><c>mlflow.chat.tools</c>: the tool definitions offered to a chat model (OpenAI's tool JSON list).</summary>
    public const string ChatTools = "mlflow.chat.tools";

    /// <summary><c>mlflow.llm.model</c>: the model name (JSON string).</summary>
    public const string Model = "mlflow.llm.model";

    /// <summary><c>mlflow.llm.provider</c>: the model provider (JSON string).</summary>
    public const string ModelProvider = "mlflow.llm.provider";

    /// <summary><c>mlflow.message.format</c>: the message format of the inputs and outputs (JSON string, e.g. <c>"openai"</c>).</summary>
    public const string MessageFormat = "mlflow.message.format";

    /// <summary><c>mlflow.traceTag.&lt;key&gt;</c> on the root span: a trace tag carried over OTLP (plain string).</summary>
    public const string TraceTagPrefix = "mlflow.traceTag.";

    /// <summary><c>session.id</c> on the root span: the application session (OpenTelemetry's name; plain string).</summary>
    public const string SessionId = "session.id";

    /// <summary><c>user.id</c> on the root span: the application user (OpenTelemetry's name; plain string).</summary>
    public const string UserId = "user.id";

    /// <summary>Name of the span event that records one streamed chunk: <c>mlflow.chunk.item.&lt;index&gt;</c>.</summary>
    public const string StreamChunkEventPrefix = "mlflow.chunk.item.";

    /// <summary>Attribute of a chunk event holding the chunk (JSON text): <c>mlflow.chunk.value</c>.</summary>
    public const string StreamChunkValue = "mlflow.chunk.value";
}

/// <summary>Trace metadata and tag keys MLflow reads (trace level, sent with the trace info).</summary>
public static class MlflowTraceKeys
{
    /// <summary>Metadata <c>mlflow.trace_schema.version</c> (<c>"3"</c>).</summary>
    public const string SchemaVersion = "mlflow.trace_schema.version";

    /// <summary>Metadata <c>mlflow.trace.session</c>: the application session.</summary>
    public const string Session = "mlflow.trace.session";

    /// <summary>Metadata <c>mlflow.trace.user</c>: the application user.</summary>
    public const string User = "mlflow.trace.user";

    /// <summary>Metadata <c>mlflow.sourceRun</c>: the run the trace was made under.</summary>
    public const string SourceRun = "mlflow.sourceRun";

    /// <summary>Metadata <c>mlflow.modelId</c>: the logged model the trace belongs to.</summary>
    public const string ModelId = "mlflow.modelId";

    /// <summary>Metadata <c>mlflow.trace.tokenUsage</c>: token counts summed over the trace's LLM spans (JSON).</summary>
    public const string TokenUsage = "mlflow.trace.tokenUsage";

    /// <summary>Tag <c>mlflow.traceName</c>: the trace name (the root span's name).</summary>
    public const string TraceName = "mlflow.traceName";
}
