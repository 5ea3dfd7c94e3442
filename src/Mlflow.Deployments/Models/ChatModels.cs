using System.Text.Json.Serialization;
using System.Text.Json.Nodes;

namespace Mlflow.Deployments.Models;

/// <summary>A chat message (<c>{"role", "content", ...}</c>).</summary>
public sealed record DeploymentsChatMessage : DeploymentsModel
{
    /// <summary>Creates an empty message (for deserialization).</summary>
    public DeploymentsChatMessage()
    {
    }

    /// <summary>Creates a message with a role and text content.</summary>
    public DeploymentsChatMessage(string role, string? content)
    {
        Role = role;
        Content = content;
    }

    /// <summary><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
    public string? Role { get; init; }

    /// <summary>Text content.</summary>
    public string? Content { get; init; }

    /// <summary>Optional participant name.</summary>
    public string? Name { get; init; }

    /// <summary>Tool calls requested by the assistant (OpenAI shape), null when none.</summary>
    public JsonNode? ToolCalls { get; init; }

    /// <summary>Id of the tool call a <c>tool</c> message answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Refusal text of the assistant, null when none.</summary>
    public string? Refusal { get; init; }
}

/// <summary>Request of an <c>llm/v1/chat</c> endpoint (spec schema <c>DeploymentsChatRequest</c>).</summary>
public sealed record DeploymentsChatRequest : DeploymentsModel
{
    /// <summary>The conversation; at least one message.</summary>
    public IReadOnlyList<DeploymentsChatMessage>? Messages { get; init; }

    /// <summary>Endpoint name; only on the OpenAI-compatible <c>/v1/chat/completions</c> routes.</summary>
    public string? Model { get; init; }

    /// <summary>Sampling temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary>Maximum number of tokens to generate.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Nucleus sampling.</summary>
    public double? TopP { get; init; }

    /// <summary>Number of choices.</summary>
    public int? N { get; init; }

    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Ask for a streamed (SSE) answer; set by the streaming members.</summary>
    public bool? Stream { get; init; }

    /// <summary>Tool definitions (OpenAI shape).</summary>
    public JsonNode? Tools { get; init; }
}

/// <summary>Token usage of an answer.</summary>
public sealed record DeploymentsUsage : DeploymentsModel
{
    /// <summary>Prompt tokens.</summary>
    public long? PromptTokens { get; init; }

    /// <summary>Generated tokens.</summary>
    public long? CompletionTokens { get; init; }

    /// <summary>Total tokens.</summary>
    public long? TotalTokens { get; init; }
}

/// <summary>One choice of a chat answer.</summary>
public sealed record DeploymentsChatChoice : DeploymentsModel
{
    /// <summary>Choice index.</summary>
    public int? Index { get; init; }

    /// <summary>The generated message.</summary>
    public DeploymentsChatMessage? Message { get; init; }

    /// <summary>Why generation stopped (<c>stop</c>, <c>length</c>, ...).</summary>
    public string? FinishReason { get; init; }
}

/// <summary>Answer of an <c>llm/v1/chat</c> endpoint (spec schema <c>DeploymentsChatResponse</c>).</summary>
public sealed record DeploymentsChatResponse : DeploymentsModel
{
    /// <summary>Completion id.</summary>
    public string? Id { get; init; }

    /// <summary><c>chat.completion</c>.</summary>
    public string? Object { get; init; }

    /// <summary>Unix seconds.</summary>
    public long? Created { get; init; }

    /// <summary>The provider's model name (not the endpoint name).</summary>
    public string? Model { get; init; }

    /// <summary>Choices.</summary>
    public IReadOnlyList<DeploymentsChatChoice>? Choices { get; init; }

    /// <summary>Token usage.</summary>
    public DeploymentsUsage? Usage { get; init; }

    /// <summary>The provider that answered (e.g. <c>openai</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>Content of the first choice's message, or null.</summary>
    [JsonIgnore]
    public string? FirstContent => Choices is { Count: > 0 } c ? c[0].Message?.Content : null;
}

/// <summary>The incremental part of a streamed chat choice.</summary>
public sealed record DeploymentsChatDelta : DeploymentsModel
{
    /// <summary>Role (first chunk only).</summary>
    public string? Role { get; init; }

    /// <summary>Text added by this chunk.</summary>
    public string? Content { get; init; }

    /// <summary>Tool call fragments.</summary>
    public JsonNode? ToolCalls { get; init; }
}

/// <summary>One choice of a streamed chat chunk.</summary>
public sealed record DeploymentsChatChunkChoice : DeploymentsModel
{
    /// <summary>Choice index.</summary>
    public int? Index { get; init; }

    /// <summary>Why generation stopped, on the last content chunk.</summary>
    public string? FinishReason { get; init; }

    /// <summary>The delta.</summary>
    public DeploymentsChatDelta? Delta { get; init; }
}

/// <summary>One SSE chunk of a streamed chat answer (spec schema <c>DeploymentsChatChunk</c>).</summary>
public sealed record DeploymentsChatChunk : DeploymentsModel
{
    /// <summary>Completion id (same on every chunk).</summary>
    public string? Id { get; init; }

    /// <summary><c>chat.completion.chunk</c>.</summary>
    public string? Object { get; init; }

    /// <summary>Unix seconds.</summary>
    public long? Created { get; init; }

    /// <summary>The provider's model name.</summary>
    public string? Model { get; init; }

    /// <summary>Choices; empty on the final usage chunk.</summary>
    public IReadOnlyList<DeploymentsChatChunkChoice>? Choices { get; init; }

    /// <summary>Token usage: only on the final chunk, null before.</summary>
    public DeploymentsUsage? Usage { get; init; }

    /// <summary>The provider that answered.</summary>
    public string? Provider { get; init; }

    /// <summary>Text the first choice adds, or null.</summary>
    [JsonIgnore]
    public string? ContentDelta => Choices is { Count: > 0 } c ? c[0].Delta?.Content : null;
}
