using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace Mlflow.Facade.Tests;

/// <summary>Writes a generated model with the Kiota JSON writer (as the client sends it).</summary>
internal static class KiotaJson
{
    public static JsonNode? Write(IParsable value)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, value);
        using var stream = writer.GetSerializedContent();
        return JsonNode.Parse(stream);
    }
}
