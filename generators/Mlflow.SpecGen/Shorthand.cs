using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>
/// Expands the overlay's shorthand schema notation (see <c>spec/sources/overlay/README.md</c>) into JSON Schema.
/// </summary>
internal static class Shorthand
{
    public static JsonNode Expand(JsonNode? node, string where)
    {
        switch (node)
        {
            case null:
                throw new SpecGenException($"{where}: a schema is missing");
            case JsonValue v when v.TryGetValue<string>(out var s):
                return ExpandString(s, where);
            case JsonArray a:
                if (a.Count != 1) throw new SpecGenException($"{where}: an array shorthand takes exactly one item schema");
                return new JsonObject { ["type"] = "array", ["items"] = Expand(a[0], where + "[]") };
            case JsonObject o:
                return ExpandObject(o, where);
            default:
                throw new SpecGenException($"{where}: cannot read schema shorthand {node.ToJsonString()}");
        }
    }

    private static JsonNode ExpandString(string text, string where)
    {
        string? description = null;
        var dash = text.IndexOf(" -- ", StringComparison.Ordinal);
        if (dash >= 0)
        {
            description = text[(dash + 4)..].Trim();
            text = text[..dash].Trim();
        }
        var nullable = text.EndsWith('?');
        if (nullable) text = text[..^1];
        JsonObject schema = text switch
        {
            "string" => new JsonObject { ["type"] = "string" },
            "boolean" => new JsonObject { ["type"] = "boolean" },
            "number" or "double" => new JsonObject { ["type"] = "number", ["format"] = "double" },
            "float" => new JsonObject { ["type"] = "number", ["format"] = "float" },
            "int32" => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
            "int64" or "integer" => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            "date-time" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            "byte" => new JsonObject { ["type"] = "string", ["format"] = "byte" },
            "binary" => new JsonObject { ["type"] = "string", ["format"] = "binary" },
            "any" => new JsonObject(),
            "object" => new JsonObject { ["type"] = "object" },
            _ when text.StartsWith('#') => new JsonObject { ["$ref"] = "#/components/schemas/" + text[1..] },
            _ => throw new SpecGenException($"{where}: unknown shorthand type '{text}'"),
        };
        if (nullable) schema = MakeNullable(schema);
        if (description is not null) schema["description"] = description;
        return schema;
    }

    /// <summary>Allows <c>null</c> besides the schema's own values (OpenAPI 3.1 style).</summary>
    public static JsonObject MakeNullable(JsonObject schema)
    {
        if (schema["type"] is JsonValue t && t.TryGetValue<string>(out var type))
        {
            schema["type"] = new JsonArray(type, "null");
            return schema;
        }
        if (schema.Count == 0) return schema; // any value already includes null
        return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
    }

    private static JsonNode ExpandObject(JsonObject o, string where)
    {
        if (o["$raw"] is JsonNode raw) return raw.DeepClone();
        if (o["$map"] is JsonNode map)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Expand(map, where + "{}") };
        if (o["$enum"] is JsonArray values)
            return WithDoc(new JsonObject { ["type"] = "string", ["enum"] = values.DeepClone() }, o);
        if (o["$oneOf"] is JsonArray one)
            return WithDoc(new JsonObject { ["oneOf"] = new JsonArray(one.Select((x, i) => Expand(x, $"{where}/oneOf/{i}")).ToArray()) }, o);
        if (o["$anyOf"] is JsonArray any)
            return WithDoc(new JsonObject { ["anyOf"] = new JsonArray(any.Select((x, i) => Expand(x, $"{where}/anyOf/{i}")).ToArray()) }, o);

        var schema = new JsonObject { ["type"] = "object" };
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (key, value) in o)
        {
            if (key.StartsWith('$')) continue;
            var name = key.TrimEnd('!');
            if (key.EndsWith('!')) required.Add(name);
            properties[name] = Expand(value, $"{where}.{name}");
        }
        if (o["$doc"] is JsonNode doc) schema["description"] = doc.DeepClone();
        if (properties.Count > 0) schema["properties"] = properties;
        if (required.Count > 0) schema["required"] = required;
        if (o["$example"] is JsonNode example) schema["example"] = example.DeepClone();
        return schema;
    }

    private static JsonObject WithDoc(JsonObject schema, JsonObject o)
    {
        if (o["$doc"] is JsonNode doc) schema["description"] = doc.DeepClone();
        if (o["$example"] is JsonNode example) schema["example"] = example.DeepClone();
        return schema;
    }
}

/// <summary>A problem in the inputs of the spec generator, reported with the place it was found.</summary>
internal sealed class SpecGenException(string message) : Exception(message);
