using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// Writes the declared fields of a payload (the generated <c>WriteFields</c> methods). A null value is left out,
/// or written as JSON null for a field the spec requires (MLflow writes <c>"description": null</c>); doubles that
/// JSON numbers cannot carry are written as MLflow's strings.
/// </summary>
internal static class WebhookDataWriter
{
    public static void String(Utf8JsonWriter writer, string name, string? value, bool writeNull = false)
    {
        if (value is null)
        {
            Null(writer, name, writeNull);
            return;
        }

        writer.WriteString(name, value);
    }

    public static void Int32(Utf8JsonWriter writer, string name, int? value, bool writeNull = false)
    {
        if (value is int n)
        {
            writer.WriteNumber(name, n);
        }
        else
        {
            Null(writer, name, writeNull);
        }
    }

    public static void Int64(Utf8JsonWriter writer, string name, long? value, bool writeNull = false)
    {
        if (value is long n)
        {
            writer.WriteNumber(name, n);
        }
        else
        {
            Null(writer, name, writeNull);
        }
    }

    public static void Double(Utf8JsonWriter writer, string name, double? value, bool writeNull = false)
    {
        switch (value)
        {
            case null:
                Null(writer, name, writeNull);
                break;
            case double d when double.IsNaN(d):
                writer.WriteString(name, "NaN");
                break;
            case double d when double.IsPositiveInfinity(d):
                writer.WriteString(name, "Infinity");
                break;
            case double d when double.IsNegativeInfinity(d):
                writer.WriteString(name, "-Infinity");
                break;
            case double d:
                writer.WriteNumber(name, d);
                break;
        }
    }

    public static void Boolean(Utf8JsonWriter writer, string name, bool? value, bool writeNull = false)
    {
        if (value is bool b)
        {
            writer.WriteBoolean(name, b);
        }
        else
        {
            Null(writer, name, writeNull);
        }
    }

    public static void StringMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string>? value, bool writeNull = false)
    {
        if (value is null)
        {
            Null(writer, name, writeNull);
            return;
        }

        writer.WriteStartObject(name);
        foreach (var (key, text) in value)
        {
            writer.WriteString(key, text);
        }

        writer.WriteEndObject();
    }

    public static void Enum<T>(Utf8JsonWriter writer, string name, T? value, bool writeNull = false)
        where T : struct
    {
        if (value is T v)
        {
            writer.WriteString(name, v.ToString());
        }
        else
        {
            Null(writer, name, writeNull);
        }
    }

    public static void Json(Utf8JsonWriter writer, string name, JsonElement? value, bool writeNull = false)
    {
        if (value is JsonElement element)
        {
            writer.WritePropertyName(name);
            element.WriteTo(writer);
        }
        else
        {
            Null(writer, name, writeNull);
        }
    }

    private static void Null(Utf8JsonWriter writer, string name, bool writeNull)
    {
        if (writeNull)
        {
            writer.WriteNull(name);
        }
    }
}
