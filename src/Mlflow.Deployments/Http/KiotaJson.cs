using Microsoft.Kiota.Serialization.Json;

namespace Mlflow.Deployments.Http;

/// <summary>Bridges JSON text and the generated Kiota models (<c>Mlflow.Client.Models</c>).</summary>
internal static class KiotaJson
{
    public static T Parse<T>(string json, ParsableFactory<T> factory)
        where T : IParsable
    {
        // Kiota's reader yields untyped arrays (UntypedArray) lazily from the element, so the element must outlive the
        // read: a clone owns its own (non-pooled) copy, the pooled document is returned at once.
        JsonElement root;
        using (var document = JsonDocument.Parse(json))
        {
            root = document.RootElement.Clone();
        }

        return new JsonParseNode(root).GetObjectValue(factory)
               ?? throw new DeploymentsException($"The JSON is not a {typeof(T).Name}.");
    }

    public static JsonObject ToJsonObject(IParsable model)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, model);
        using var stream = writer.GetSerializedContent();
        return JsonNode.Parse(stream) as JsonObject ?? new JsonObject();
    }
}
