using System.Text.Json.Serialization;
namespace Mlflow.Deployments.Models;

/// <summary>Request of an <c>llm/v1/completions</c> endpoint (spec schema <c>DeploymentsCompletionsRequest</c>).</summary>
public sealed record DeploymentsCompletionsRequest : DeploymentsModel
{
    /// <summary>The prompt.</summary>
    public string? Prompt { get; init; }

    /// <summary>Endpoint name; only on the OpenAI-compatible <c>/v1/completions</c> route.</summary>
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
}

/// <summary>One choice of a completions answer or chunk.</summary>
public sealed record DeploymentsCompletionsChoice : DeploymentsModel
{
    /// <summary>Choice index.</summary>
    public int? Index { get; init; }

    /// <summary>Generated text (the increment, in a chunk).</summary>
    public string? Text { get; init; }

    /// <summary>Why generation stopped.</summary>
    public string? FinishReason { get; init; }
}

/// <summary>Answer of an <c>llm/v1/completions</c> endpoint (spec schema <c>DeploymentsCompletionsResponse</c>).</summary>
public sealed record DeploymentsCompletionsResponse : DeploymentsModel
{
    /// <summary>Completion id.</summary>
    public string? Id { get; init; }

    /// <summary><c>text_completion</c>.</summary>
    public string? Object { get; init; }

    /// <summary>Unix seconds.</summary>
    public long? Created { get; init; }

    /// <summary>The provider's model name.</summary>
    public string? Model { get; init; }

    /// <summary>Choices.</summary>
    public IReadOnlyList<DeploymentsCompletionsChoice>? Choices { get; init; }

    /// <summary>Token usage.</summary>
    public DeploymentsUsage? Usage { get; init; }

    /// <summary>Text of the first choice, or null.</summary>
    [JsonIgnore]
    public string? FirstText => Choices is { Count: > 0 } c ? c[0].Text : null;
}

/// <summary>One SSE chunk of a streamed completions answer (spec schema <c>DeploymentsCompletionsChunk</c>).</summary>
public sealed record DeploymentsCompletionsChunk : DeploymentsModel
{
    /// <summary>Completion id.</summary>
    public string? Id { get; init; }

    /// <summary><c>text_completion_chunk</c>.</summary>
    public string? Object { get; init; }

    /// <summary>Unix seconds.</summary>
    public long? Created { get; init; }

    /// <summary>The provider's model name.</summary>
    public string? Model { get; init; }

    /// <summary>Choices; empty on the final usage chunk.</summary>
    public IReadOnlyList<DeploymentsCompletionsChoice>? Choices { get; init; }

    /// <summary>Token usage: only on the final chunk.</summary>
    public DeploymentsUsage? Usage { get; init; }

    /// <summary>Text the first choice adds, or null.</summary>
    [JsonIgnore]
    public string? TextDelta => Choices is { Count: > 0 } c ? c[0].Text : null;
}
