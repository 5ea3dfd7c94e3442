using System.Text.Json.Serialization;

namespace Mlflow.Deployments.Models;

/// <summary>
/// System.Text.Json settings for <see cref="PredictionsResponse.Deserialize{T}(System.Text.Json.JsonSerializerOptions)"/> and the other <c>Deserialize</c>
/// members when callers bind payloads to their own types: snake_case names, nulls left out when writing. The typed
/// chat, completions and embeddings payloads are the generated spec models (<c>Mlflow.Client.Models.Deployments*</c>).
/// </summary>
public static class DeploymentsJson
{
    /// <summary>The serializer options used when callers deserialize into their own types.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
