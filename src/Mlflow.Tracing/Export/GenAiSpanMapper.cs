using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlflow.Tracing;

/// <summary>
/// Gives spans that follow OpenTelemetry's GenAI semantic conventions (Microsoft.Extensions.AI's
/// <c>OpenTelemetryChatClient</c>, Semantic Kernel's function and chat spans, other instrumentations) the MLflow
/// attributes its UI reads, the way MLflow's own server translates them when it stores such spans:
/// <list type="bullet">
/// <item><c>gen_ai.operation.name</c> → <c>mlflow.spanType</c> (chat → CHAT_MODEL, text_completion and generate_content → LLM,
/// embeddings → EMBEDDING, execute_tool → TOOL, invoke_agent and create_agent → AGENT).</item>
/// <item><c>gen_ai.input.messages</c> / <c>gen_ai.tool.call.arguments</c> → <c>mlflow.spanInputs</c>;
/// <c>gen_ai.output.messages</c> / <c>gen_ai.tool.call.result</c> → <c>mlflow.spanOutputs</c>.</item>
/// <item><c>gen_ai.usage.input_tokens</c> + <c>output_tokens</c> → <c>mlflow.chat.tokenUsage</c>.</item>
/// <item><c>gen_ai.response.model</c> (else <c>gen_ai.request.model</c>) → <c>mlflow.llm.model</c>;
/// <c>gen_ai.provider.name</c> (else <c>gen_ai.system</c>) → <c>mlflow.llm.provider</c>;
/// <c>gen_ai.tool.definitions</c> → <c>mlflow.chat.tools</c>.</item>
/// </list>
/// Attributes already present (set through the MLflow API) are kept.
/// </summary>
internal static class GenAiSpanMapper
{
    public static void Map(Activity activity)
    {
        var operation = activity.GetTagItem("gen_ai.operation.name") as string;
        if (operation is null) return;
        if (activity.GetTagItem(MlflowSpanAttributes.SpanType) is null && SpanTypeOf(operation) is { } type)
        {
            activity.SetTag(MlflowSpanAttributes.SpanType, SpanValues.Quote(type));
        }
        if (activity.GetTagItem(MlflowSpanAttributes.Inputs) is null && (Json(activity, "gen_ai.input.messages") ?? Json(activity, "gen_ai.tool.call.arguments")) is { } inputs)
        {
            activity.SetTag(MlflowSpanAttributes.Inputs, inputs);
        }
        if (activity.GetTagItem(MlflowSpanAttributes.Outputs) is null && (Json(activity, "gen_ai.output.messages") ?? Json(activity, "gen_ai.tool.call.result")) is { } outputs)
        {
            activity.SetTag(MlflowSpanAttributes.Outputs, outputs);
        }
        if (activity.GetTagItem(MlflowSpanAttributes.ChatTokenUsage) is null
            && Number(activity.GetTagItem("gen_ai.usage.input_tokens")) is { } input
            && Number(activity.GetTagItem("gen_ai.usage.output_tokens")) is { } output)
        {
            activity.SetTag(MlflowSpanAttributes.ChatTokenUsage, SpanValues.ToJson(new JsonObject
            {
                ["input_tokens"] = input,
                ["output_tokens"] = output,
                ["total_tokens"] = input + output,
            }));
        }
        if (activity.GetTagItem(MlflowSpanAttributes.Model) is null
            && (activity.GetTagItem("gen_ai.response.model") ?? activity.GetTagItem("gen_ai.request.model")) is string model)
        {
            activity.SetTag(MlflowSpanAttributes.Model, SpanValues.Quote(model));
        }
        if (activity.GetTagItem(MlflowSpanAttributes.ModelProvider) is null
            && (activity.GetTagItem("gen_ai.provider.name") ?? activity.GetTagItem("gen_ai.system")) is string provider)
        {
            activity.SetTag(MlflowSpanAttributes.ModelProvider, SpanValues.Quote(provider));
        }
        if (activity.GetTagItem(MlflowSpanAttributes.ChatTools) is null && Json(activity, "gen_ai.tool.definitions") is { } tools)
        {
            activity.SetTag(MlflowSpanAttributes.ChatTools, tools);
        }
    }

    /// <summary>MLflow's span type for a GenAI operation name, or <see langword="null"/>.</summary>
    public static string? SpanTypeOf(string operation) => operation switch
    {
        "chat" => SpanType.ChatModel,
        "text_completion" or "generate_content" or "response" => SpanType.Llm,
        "embeddings" => SpanType.Embedding,
        "execute_tool" => SpanType.Tool,
        "invoke_agent" or "create_agent" => SpanType.Agent,
        _ => null,
    };

    /// <summary>A GenAI attribute as JSON text: JSON strings stay, other text becomes a JSON string.</summary>
    private static string? Json(Activity activity, string key) => activity.GetTagItem(key) switch
    {
        null => null,
        string s => SpanValues.ToJson(SpanValues.Parse(s)),
        var other => SpanValues.ToJson(SpanValues.Parse(other)),
    };

    private static long? Number(object? value) => value switch
    {
        int i => i,
        long l => l,
        double d => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
