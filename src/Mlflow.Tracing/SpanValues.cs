using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mlflow.Tracing;

/// <summary>
/// How span values become MLflow attribute text: JSON, as MLflow's Python SDK dumps them. A string becomes a JSON
/// string (quotes included); <see cref="JsonNode"/> and <see cref="JsonElement"/> are written as they are; other values
/// through <see cref="MlflowTracing.SerializerOptions"/>; a value that cannot be serialized is written as its
/// <see cref="object.ToString"/> text, so tracing never throws into the application.
/// </summary>
internal static class SpanValues
{
    internal static readonly JsonSerializerOptions DefaultOptions = CreateDefault();

    private static readonly JsonSerializerOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonSerializerOptions CreateDefault()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            ReferenceHandler = ReferenceHandler.IgnoreCycles,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    [RequiresUnreferencedCode("Serializes arbitrary objects with reflection.")]
    [RequiresDynamicCode("Serializes arbitrary objects with reflection.")]
    public static string ToJson(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case string s:
                return JsonSerializer.Serialize(s, Writer);
            case JsonNode node:
                return node.ToJsonString(Writer);
            case JsonElement element:
                return element.GetRawText();
        }
        try
        {
            return JsonSerializer.Serialize(value, value.GetType(), MlflowTracing.SerializerOptions);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            return JsonSerializer.Serialize(value.ToString() ?? "", Writer);
        }
    }

    /// <summary>JSON text of a node (null: <c>null</c>).</summary>
    public static string ToJson(JsonNode? node) => node is null ? "null" : node.ToJsonString(Writer);

    /// <summary>JSON string literal of a text.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Writer);

    /// <summary>The text of a JSON-encoded string attribute, or <see langword="null"/>.</summary>
    public static string? Unquote(object? attribute)
    {
        if (attribute is not string s) return null;
        try
        {
            return JsonNode.Parse(s) is JsonValue v && v.TryGetValue<string>(out var text) ? text : s;
        }
        catch (JsonException)
        {
            return s;
        }
    }

    /// <summary>Parses attribute text written as JSON; anything else becomes a JSON string.</summary>
    public static JsonNode? Parse(object? attribute)
    {
        switch (attribute)
        {
            case null:
                return null;
            case string s:
                try
                {
                    return JsonNode.Parse(s);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(s);
                }
            case bool b:
                return JsonValue.Create(b);
            case long l:
                return JsonValue.Create(l);
            case int i:
                return JsonValue.Create(i);
            case double d:
                return JsonValue.Create(d);
            default:
                return JsonValue.Create(attribute.ToString());
        }
    }
}
