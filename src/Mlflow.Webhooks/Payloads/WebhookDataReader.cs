using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>Reads a payload from a delivery's <c>data</c> (the generated <c>TryRead</c> methods).</summary>
internal delegate bool WebhookDataParser<T>(JsonElement data, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
    where T : WebhookPayloadData;

/// <summary>
/// Reads the declared fields of one payload object, the way MLflow writes them: a missing required field or a value
/// that does not fit its field's type is an error (the first one is kept; it names the field, never the value);
/// JSON null is absent unless the field is required and not nullable; int64 and doubles also come as numeric
/// strings (doubles as <c>NaN</c> / <c>Infinity</c> / <c>-Infinity</c>); enum values are read as text, so values a
/// newer MLflow adds are kept; undeclared fields are kept by <see cref="Unknown"/>.
/// </summary>
internal sealed class WebhookDataReader(JsonElement data, string payloadName)
{
    private static readonly IReadOnlyDictionary<string, JsonElement> None = new Dictionary<string, JsonElement>(0);
    private string? _error;

    /// <summary>True when every field read so far fitted; otherwise the first error.</summary>
    public bool Succeeded([NotNullWhen(false)] out string? error)
    {
        error = _error;
        return error is null;
    }

    public string? String(string name, bool required, bool nullable)
    {
        if (!Find(name, required, nullable, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                // Text that is not valid UTF-16 (a lone surrogate escape).
            }
        }

        return Mismatch<string>(name);
    }

    public int? Int32(string name, bool required, bool nullable)
    {
        var n = Int64(name, required, nullable);
        if (n is long value && value >= int.MinValue && value <= int.MaxValue)
        {
            return (int)value;
        }

        return n is null ? null : MismatchValue<int>(name);
    }

    public long? Int64(string name, bool required, bool nullable)
    {
        if (!Find(name, required, nullable, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
        {
            return n;
        }

        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }

        return MismatchValue<long>(name);
    }

    public double? Double(string name, bool required, bool nullable)
    {
        if (!Find(name, required, nullable, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }

        if (value.ValueKind == JsonValueKind.String && ParseDouble(value.GetString()) is double parsed)
        {
            return parsed;
        }

        return MismatchValue<double>(name);
    }

    public bool? Boolean(string name, bool required, bool nullable)
    {
        if (!Find(name, required, nullable, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => MismatchValue<bool>(name),
        };
    }

    public IReadOnlyDictionary<string, string>? StringMap(string name, bool required, bool nullable)
    {
        if (!Find(name, required, nullable, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return Mismatch<IReadOnlyDictionary<string, string>>(name);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            if (member.Value.ValueKind != JsonValueKind.String)
            {
                return Mismatch<IReadOnlyDictionary<string, string>>(name);
            }

            try
            {
                map[member.Name] = member.Value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return Mismatch<IReadOnlyDictionary<string, string>>(name);
            }
        }

        return map;
    }

    public JsonElement? Json(string name, bool required, bool nullable) =>
        Find(name, required, nullable: true, out var value) ? value.Clone() : null;

    /// <summary>The fields of the object that are not in <paramref name="declared"/>, as their JSON values.</summary>
    public IReadOnlyDictionary<string, JsonElement> Unknown(string[] declared)
    {
        Dictionary<string, JsonElement>? unknown = null;
        foreach (var member in data.EnumerateObject())
        {
            if (Array.IndexOf(declared, member.Name) < 0)
            {
                (unknown ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[member.Name] = member.Value.Clone();
            }
        }

        return unknown ?? None;
    }

    /// <summary>Reads the spec's example of a payload type.</summary>
    public static T Example<T>(string json, WebhookDataParser<T> parse)
        where T : WebhookPayloadData
    {
        using var document = JsonDocument.Parse(json);
        return parse(document.RootElement, out var value, out var error)
            ? value
            : throw new InvalidOperationException("The spec's example of " + typeof(T).Name + " does not read: " + error + ".");
    }

    private bool Find(string name, bool required, bool nullable, out JsonElement value)
    {
        value = default;
        if (_error != null)
        {
            return false;
        }

        if (!data.TryGetProperty(name, out value))
        {
            if (required)
            {
                _error = "data lacks the required field '" + name + "'";
            }

            return false;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            if (required && !nullable)
            {
                _error = "data field '" + name + "' is null, but the " + payloadName + " payload requires a value";
            }

            return false;
        }

        return true;
    }

    private T? Mismatch<T>(string name)
        where T : class
    {
        _error = "data field '" + name + "' does not have the type of the " + payloadName + " payload";
        return null;
    }

    private T? MismatchValue<T>(string name)
        where T : struct
    {
        _error = "data field '" + name + "' does not have the type of the " + payloadName + " payload";
        return null;
    }

    private static double? ParseDouble(string? text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
    };
}
