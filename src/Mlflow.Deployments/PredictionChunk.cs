using System.Text.Json.Serialization.Metadata;
using Mlflow.Deployments.Models;

namespace Mlflow.Deployments;

/// <summary>One chunk of <see cref="IDeploymentClient.PredictStreamAsync"/>: one Server-Sent Event's data.</summary>
public sealed class PredictionChunk
{
    private readonly Lazy<JsonNode?> _json;

    /// <summary>Creates a chunk from an event's data text.</summary>
    public PredictionChunk(string data, string eventType = "message", string? eventId = null)
    {
        Data = data;
        EventType = eventType;
        EventId = eventId;
        _json = new Lazy<JsonNode?>(() => DeploymentsJsonText.TryParse(data));
    }

    /// <summary>The event data exactly as received (multi-line <c>data:</c> fields joined with <c>\n</c>).</summary>
    public string Data { get; }

    /// <summary>The SSE event type (<c>message</c> unless the server sent an <c>event:</c> line).</summary>
    public string EventType { get; }

    /// <summary>The SSE event id, when the server sent one.</summary>
    public string? EventId { get; }

    /// <summary>The data parsed as JSON, or null when it is not JSON.</summary>
    public JsonNode? Json => _json.Value;

    /// <summary>A chat chunk (<c>chat.completion.chunk</c>) as the spec's generated model.</summary>
    public DeploymentsChatChunk AsChatChunk() => Parse(DeploymentsChatChunk.CreateFromDiscriminatorValue);

    /// <summary>A completions chunk (<c>text_completion_chunk</c>) as the spec's generated model.</summary>
    public DeploymentsCompletionsChunk AsCompletionsChunk() => Parse(DeploymentsCompletionsChunk.CreateFromDiscriminatorValue);

    /// <summary>Deserializes the data into a type of your own with System.Text.Json (reflection; <see cref="DeploymentsJson.Options"/> unless given).</summary>
    [RequiresUnreferencedCode(DeploymentsJsonText.ReflectionWarning)]
    [RequiresDynamicCode(DeploymentsJsonText.ReflectionWarning)]
    public T Deserialize<T>(JsonSerializerOptions? options = null) => DeploymentsJsonText.Deserialize<T>(Data, options, "chunk data");

    /// <summary>Deserializes the data into a type of your own with source-generated metadata (trim/AOT-safe).</summary>
    /// <param name="typeInfo">The type's metadata, e.g. <c>MyContext.Default.MyChunk</c>.</param>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo) => DeploymentsJsonText.Deserialize(Data, typeInfo, "chunk data");

    /// <summary>
    /// Parses the data into a generated model of the spec, e.g.
    /// <c>Parse(Mlflow.Client.Models.DeploymentsChatChunk.CreateFromDiscriminatorValue)</c>.
    /// </summary>
    public T Parse<T>(ParsableFactory<T> factory)
        where T : IParsable => KiotaJson.Parse(Data, factory);

    /// <inheritdoc/>
    public override string ToString() => Data;
}

/// <summary>The JSON reading <see cref="PredictionChunk"/>, <see cref="PredictionsResponse"/> and the info records share.</summary>
internal static class DeploymentsJsonText
{
    /// <summary>Why the reflection-based <c>Deserialize&lt;T&gt;</c> overloads are not trim- or AOT-safe.</summary>
    public const string ReflectionWarning =
        "Binds to T by reflection; in trimmed or AOT apps use the JsonTypeInfo<T> overload (a JsonSerializerContext).";

    public static JsonNode? TryParse(string text) => Http.DeploymentsErrors.TryParseJson(text);

    /// <summary>
    /// Deserializes <paramref name="json"/> by reflection (<see cref="DeploymentsJson.Options"/> unless given); JSON
    /// <c>null</c> throws, naming <paramref name="what"/> was read.
    /// </summary>
    [RequiresUnreferencedCode(ReflectionWarning)]
    [RequiresDynamicCode(ReflectionWarning)]
    public static T Deserialize<T>(string json, JsonSerializerOptions? options, string what) =>
        JsonSerializer.Deserialize<T>(json, options ?? DeploymentsJson.Options) ?? throw JsonNull<T>(what);

    /// <summary>Deserializes <paramref name="json"/> with source-generated metadata; JSON <c>null</c> throws.</summary>
    public static T Deserialize<T>(string json, JsonTypeInfo<T> typeInfo, string what) =>
        JsonSerializer.Deserialize(json, typeInfo) ?? throw JsonNull<T>(what);

    private static DeploymentsException JsonNull<T>(string what) => new($"The {what} is JSON null, not a {typeof(T).Name}.");
}
