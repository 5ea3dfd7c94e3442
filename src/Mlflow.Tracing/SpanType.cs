namespace Mlflow.Tracing;

/// <summary>
/// MLflow's span types (the <c>mlflow.spanType</c> attribute), which the trace UI uses to pick an icon and a view for
/// the span's inputs and outputs. Any other string is allowed too, as in Python, and shows as a custom type.
/// </summary>
public static class SpanType
{
    /// <summary>A text-completion call to a language model.</summary>
    public const string Llm = "LLM";

    /// <summary>A chain of steps (the default for a function that calls others).</summary>
    public const string Chain = "CHAIN";

    /// <summary>An agent deciding and acting.</summary>
    public const string Agent = "AGENT";

    /// <summary>A tool (function) called by a model or an agent.</summary>
    public const string Tool = "TOOL";

    /// <summary>A chat call to a model: messages in, a message out.</summary>
    public const string ChatModel = "CHAT_MODEL";

    /// <summary>A retrieval of documents.</summary>
    public const string Retriever = "RETRIEVER";

    /// <summary>A parser of model output.</summary>
    public const string Parser = "PARSER";

    /// <summary>An embedding call.</summary>
    public const string Embedding = "EMBEDDING";

    /// <summary>A reranking of retrieved documents.</summary>
    public const string Reranker = "RERANKER";

    /// <summary>A read or write of agent memory.</summary>
    public const string Memory = "MEMORY";

    /// <summary>No particular type (MLflow's default).</summary>
    public const string Unknown = "UNKNOWN";
}
