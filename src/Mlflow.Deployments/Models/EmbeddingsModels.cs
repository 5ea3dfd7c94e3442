using System.Text.Json.Nodes;

namespace Mlflow.Deployments.Models;

/// <summary>Request of an <c>llm/v1/embeddings</c> endpoint (spec schema <c>DeploymentsEmbeddingsRequest</c>).</summary>
public sealed record DeploymentsEmbeddingsRequest : DeploymentsModel
{
    /// <summary>One text (<c>"hello"</c>) or a batch (<c>new JsonArray("a", "b")</c>).</summary>
    public JsonNode? Input { get; init; }

    /// <summary>Endpoint name; only on the OpenAI-compatible <c>/v1/embeddings</c> route.</summary>
    public string? Model { get; init; }

    /// <summary>Embeddings of one text.</summary>
    public static DeploymentsEmbeddingsRequest ForText(string text) => new() { Input = JsonValue.Create(text) };

    /// <summary>Embeddings of a batch of texts.</summary>
    public static DeploymentsEmbeddingsRequest ForTexts(params string[] texts) =>
        new() { Input = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()) };
}

/// <summary>One embedding vector.</summary>
public sealed record DeploymentsEmbedding : DeploymentsModel
{
    /// <summary><c>embedding</c>.</summary>
    public string? Object { get; init; }

    /// <summary>The vector.</summary>
    public IReadOnlyList<double>? Embedding { get; init; }

    /// <summary>Position of the input text.</summary>
    public int? Index { get; init; }
}

/// <summary>Answer of an <c>llm/v1/embeddings</c> endpoint (spec schema <c>DeploymentsEmbeddingsResponse</c>).</summary>
public sealed record DeploymentsEmbeddingsResponse : DeploymentsModel
{
    /// <summary><c>list</c>.</summary>
    public string? Object { get; init; }

    /// <summary>One vector per input text.</summary>
    public IReadOnlyList<DeploymentsEmbedding>? Data { get; init; }

    /// <summary>The provider's model name.</summary>
    public string? Model { get; init; }

    /// <summary>Token usage.</summary>
    public DeploymentsUsage? Usage { get; init; }
}
