using System.Text.Json.Serialization.Metadata;
using Mlflow.Deployments.Models;

namespace Mlflow.Deployments;

/// <summary>
/// The answer of <see cref="IDeploymentClient.PredictAsync"/>: the raw JSON exactly as received plus typed access
/// (<see cref="AsChat"/>, <see cref="AsCompletions"/>, <see cref="AsEmbeddings"/>, <see cref="Deserialize{T}(System.Text.Json.JsonSerializerOptions)"/>).
/// Mirrors MLflow's <c>PredictionsResponse</c> (a dict with <c>get_predictions</c>, <c>to_json</c>, <c>from_json</c>).
/// </summary>
public sealed class PredictionsResponse
{
    private readonly Lazy<JsonNode?> _json;

    /// <summary>Wraps a JSON text.</summary>
    public PredictionsResponse(string rawJson, IReadOnlyDictionary<string, string>? headers = null)
    {
        RawJson = rawJson;
        Headers = headers ?? new Dictionary<string, string>();
        _json = new Lazy<JsonNode?>(() => string.IsNullOrWhiteSpace(rawJson) ? null : JsonNode.Parse(rawJson));
    }

    /// <summary>The body exactly as the target sent it.</summary>
    public string RawJson { get; }

    /// <summary>The parsed body (a fresh tree is not made per call: treat it as read-only).</summary>
    public JsonNode? Json => _json.Value;

    /// <summary>
    /// Response headers worth keeping (e.g. <c>x-mlflow-gateway-duration-ms</c> from the tracking gateway), lower-case names.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>
    /// The predictions: the <c>predictions</c> member for pyfunc-style targets, else the whole body
    /// (LLM endpoints answer the OpenAI-shaped object itself).
    /// </summary>
    public JsonNode? GetPredictions() =>
        Json is JsonObject o && o.TryGetPropertyValue("predictions", out var p) ? p : Json;

    /// <summary>
    /// A chat answer as the spec's generated model; fields it does not model are kept in
    /// <see cref="DeploymentsChatResponse.AdditionalData"/>. A fresh model is parsed on every call.
    /// </summary>
    public DeploymentsChatResponse AsChat() => Parse(DeploymentsChatResponse.CreateFromDiscriminatorValue);

    /// <summary>A completions answer as the spec's generated model (a fresh model on every call).</summary>
    public DeploymentsCompletionsResponse AsCompletions() => Parse(DeploymentsCompletionsResponse.CreateFromDiscriminatorValue);

    /// <summary>An embeddings answer as the spec's generated model (a fresh model on every call).</summary>
    public DeploymentsEmbeddingsResponse AsEmbeddings() => Parse(DeploymentsEmbeddingsResponse.CreateFromDiscriminatorValue);

    /// <summary>
    /// Deserializes the raw body into a type of your own with System.Text.Json (<see cref="DeploymentsJson.Options"/>
    /// unless given); for the spec's payloads use <see cref="AsChat"/>, <see cref="AsCompletions"/>,
    /// <see cref="AsEmbeddings"/> or <see cref="Parse{T}"/>.
    /// </summary>
    [RequiresUnreferencedCode(DeploymentsJsonText.ReflectionWarning)]
    [RequiresDynamicCode(DeploymentsJsonText.ReflectionWarning)]
    public T Deserialize<T>(JsonSerializerOptions? options = null) => DeploymentsJsonText.Deserialize<T>(RawJson, options, "prediction body");

    /// <summary>Deserializes the raw body into a type of your own with source-generated metadata (trim/AOT-safe).</summary>
    /// <param name="typeInfo">The type's metadata, e.g. <c>MyContext.Default.MyPrediction</c>.</param>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo) => DeploymentsJsonText.Deserialize(RawJson, typeInfo, "prediction body");

    /// <summary>
    /// Parses the raw body into a generated model of the spec with Kiota's JSON reader, e.g.
    /// <c>Parse(Mlflow.Client.Models.DeploymentsChatResponse.CreateFromDiscriminatorValue)</c>.
    /// </summary>
    public T Parse<T>(ParsableFactory<T> factory)
        where T : IParsable => KiotaJson.Parse(RawJson, factory);

    /// <summary>The raw JSON text (MLflow's <c>to_json</c>).</summary>
    public string ToJson() => RawJson;

    /// <summary>Wraps a JSON text (MLflow's <c>from_json</c>); throws when it is not JSON.</summary>
    public static PredictionsResponse FromJson(string json)
    {
        using (JsonDocument.Parse(json))
        {
        }

        return new PredictionsResponse(json);
    }

    /// <inheritdoc/>
    public override string ToString() => RawJson;
}
