using System.Text.Json.Serialization.Metadata;
using Mlflow.Deployments.Models;

namespace Mlflow.Deployments;

/// <summary>
/// A deployment as a target describes it: MLflow guarantees a <c>name</c>; the other fields vary by target and are
/// kept in <see cref="Json"/>.
/// </summary>
/// <param name="Name">Deployment name.</param>
/// <param name="Json">Everything the target reported, <c>name</c> included.</param>
public sealed record DeploymentInfo(string Name, JsonObject Json)
{
    /// <summary>Creates the record from a JSON object carrying <c>name</c>.</summary>
    public static DeploymentInfo FromJson(JsonObject json) =>
        new(json["name"]?.GetValue<string>() ?? throw new DeploymentsException("A deployment must carry a 'name'."), json);

    /// <summary>Deserializes <see cref="Json"/> into a target-specific type (reflection; <see cref="DeploymentsJson.Options"/> unless given).</summary>
    [RequiresUnreferencedCode(DeploymentsJsonText.ReflectionWarning)]
    [RequiresDynamicCode(DeploymentsJsonText.ReflectionWarning)]
    public T Deserialize<T>(JsonSerializerOptions? options = null) =>
        Json.Deserialize<T>(options ?? DeploymentsJson.Options)!;

    /// <summary>Deserializes <see cref="Json"/> into a target-specific type with source-generated metadata (trim/AOT-safe).</summary>
    /// <param name="typeInfo">The type's metadata, e.g. <c>MyContext.Default.MyDeployment</c>.</param>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo) => Json.Deserialize(typeInfo)!;
}

/// <summary>
/// An endpoint as a target describes it: a <see cref="Name"/> and everything else in <see cref="Json"/>
/// (for the MLflow Deployments server, <see cref="Parse{T}"/> with
/// <c>Mlflow.Client.Models.DeploymentsEndpoint.CreateFromDiscriminatorValue</c>).
/// </summary>
/// <param name="Name">Endpoint name.</param>
/// <param name="Json">Everything the target reported.</param>
public sealed record EndpointInfo(string Name, JsonObject Json)
{
    /// <summary>The endpoint type when the target reports one (<c>endpoint_type</c>, legacy <c>route_type</c>).</summary>
    public string? EndpointType =>
        (Json["endpoint_type"] ?? Json["route_type"]) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Creates the record from a JSON object carrying <c>name</c>.</summary>
    public static EndpointInfo FromJson(JsonObject json) =>
        new(json["name"]?.GetValue<string>() ?? throw new DeploymentsException("An endpoint must carry a 'name'."), json);

    /// <summary>Deserializes <see cref="Json"/> into a type of your own with System.Text.Json (reflection).</summary>
    [RequiresUnreferencedCode(DeploymentsJsonText.ReflectionWarning)]
    [RequiresDynamicCode(DeploymentsJsonText.ReflectionWarning)]
    public T Deserialize<T>(JsonSerializerOptions? options = null) =>
        Json.Deserialize<T>(options ?? DeploymentsJson.Options)!;

    /// <summary>Deserializes <see cref="Json"/> into a type of your own with source-generated metadata (trim/AOT-safe).</summary>
    /// <param name="typeInfo">The type's metadata, e.g. <c>MyContext.Default.MyEndpoint</c>.</param>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo) => Json.Deserialize(typeInfo)!;

    /// <summary>
    /// Parses <see cref="Json"/> into a generated model of the spec, e.g.
    /// <c>Parse(Mlflow.Client.Models.DeploymentsEndpoint.CreateFromDiscriminatorValue)</c> or, for the AI gateway,
    /// <c>Parse(Mlflow.Client.Models.GatewayEndpoint.CreateFromDiscriminatorValue)</c>.
    /// </summary>
    public T Parse<T>(ParsableFactory<T> factory)
        where T : IParsable => KiotaJson.Parse(Json.ToJsonString(), factory);
}
