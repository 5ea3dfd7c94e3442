using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlflow.Deployments.Models;

/// <summary>
/// JSON settings of the typed payload views: snake_case names, nulls left out when writing (requests carry only
/// what the caller set), unknown fields kept in <see cref="DeploymentsModel.AdditionalProperties"/>.
/// </summary>
public static class DeploymentsJson
{
    /// <summary>The serializer options used for every typed request and response of this package.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>
/// Base of the typed payload views. The Deployments server sends unset optional fields as explicit <c>null</c>;
/// they read as null properties. Fields this view does not know are kept in <see cref="AdditionalProperties"/>
/// and written back, so nothing a newer server sends is lost.
/// </summary>
public abstract record DeploymentsModel
{
    /// <summary>Fields not modelled by this view, exactly as received.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
