using System.Globalization;
using System.Text.Json;

namespace Mlflow.Wire.Tests;

/// <summary>
/// Semantic JSON equality for wire comparisons. Text is never compared. Rules:
/// (1) object members are compared by name, in any order; a member whose value is null counts as absent
///     (MLflow omits unset fields, the Deployments server writes them as null, and Kiota's reader skips nulls);
/// (2) numbers are equal when their values are (1.0 == 1, 1e2 == 100);
/// (3) a string holding an integer equals that integer (MLflow reads int64 from either form; the client writes numbers).
/// Anything else must match exactly (strings, booleans, array order and length).
/// </summary>
public static class JsonSemantics
{
    /// <summary>Null when equal, else a description of the first difference (with its JSON path).</summary>
    public static string? Difference(JsonElement expected, JsonElement actual, string path = "$")
    {
        if (expected.ValueKind == JsonValueKind.Number && actual.ValueKind == JsonValueKind.Number)
        {
            return NumbersEqual(expected.GetRawText(), actual.GetRawText()) ? null : Describe(path, expected, actual);
        }

        if (IntegerString(expected, actual) || IntegerString(actual, expected))
        {
            return null;
        }

        if (expected.ValueKind != actual.ValueKind)
        {
            return Describe(path, expected, actual);
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var e = expected.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value);
                var a = actual.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value);
                foreach (var key in e.Keys.Union(a.Keys).Order(StringComparer.Ordinal))
                {
                    if (!e.TryGetValue(key, out var ev))
                    {
                        return path + "." + key + ": unexpected member " + a[key].GetRawText();
                    }

                    if (!a.TryGetValue(key, out var av))
                    {
                        return path + "." + key + ": missing (expected " + Clip(ev.GetRawText()) + ")";
                    }

                    if (Difference(ev, av, path + "." + key) is string d)
                    {
                        return d;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var ea = expected.EnumerateArray().ToList();
                var aa = actual.EnumerateArray().ToList();
                if (ea.Count != aa.Count)
                {
                    return path + ": array length " + aa.Count + ", expected " + ea.Count;
                }

                for (var i = 0; i < ea.Count; i++)
                {
                    if (Difference(ea[i], aa[i], path + "[" + i + "]") is string d)
                    {
                        return d;
                    }
                }

                return null;
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : Describe(path, expected, actual);
            default:
                return expected.ValueKind == actual.ValueKind ? null : Describe(path, expected, actual);
        }
    }

    public static string? Difference(string expectedJson, string actualJson)
    {
        using var e = JsonDocument.Parse(expectedJson);
        using var a = JsonDocument.Parse(actualJson);
        return Difference(e.RootElement, a.RootElement);
    }

    private static bool IntegerString(JsonElement s, JsonElement n) =>
        s.ValueKind == JsonValueKind.String && n.ValueKind == JsonValueKind.Number &&
        long.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && n.TryGetInt64(out var m) && l == m;

    private static bool NumbersEqual(string a, string b)
    {
        if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var da) && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
        {
            return da == db;
        }

        return double.Parse(a, CultureInfo.InvariantCulture) == double.Parse(b, CultureInfo.InvariantCulture);
    }

    private static string Describe(string path, JsonElement e, JsonElement a) => path + ": " + Clip(a.GetRawText()) + ", expected " + Clip(e.GetRawText());

    private static string Clip(string s) => s.Length > 160 ? s[..160] + "..." : s;
}
