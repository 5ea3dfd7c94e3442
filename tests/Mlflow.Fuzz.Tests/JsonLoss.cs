using System.Globalization;
using System.Text.Json;

namespace Mlflow.Fuzz.Tests;

/// <summary>
/// What "written back without loss" means for an answer read into a model and written again: every member of the
/// input whose value is not null is in the output with an equal value, and the output has nothing the input did not.
/// Equal: numbers by value (1.0 = 1, and beyond double range by their text); a string holding a number equals
/// that number (MLflow writes int64 as either, the client writes numbers); "NaN"/"Infinity"/"-Infinity" strings
/// are kept as such; a number beyond double range may come back as its text; an empty array where a message is
/// declared comes back as an empty object; strings, booleans and arrays exactly (order and length).
/// </summary>
public static class JsonLoss
{
    /// <summary>The input as a document when it is valid JSON without duplicate member names (else null: not compared).</summary>
    /// <param name="body">The bytes.</param>
    /// <returns>The document or null.</returns>
    /// <summary>The prefix of a difference on a number beyond double range (1e309), a known limitation.</summary>
    public const string BeyondDouble = "beyond double range at ";

    /// <summary>The prefix of a difference where a list item that is not an object became an empty message (a known limitation).</summary>
    public const string ItemAsEmptyMessage = "list item read as an empty message at ";

    public static JsonDocument? InputWithoutDuplicates(byte[] body)
    {
        var span = body.AsMemory();
        if (span.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(span, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException)
        {
            return null;
        }

        if (HasDuplicates(document.RootElement))
        {
            document.Dispose();
            return null;
        }

        return document;
    }

    /// <summary>Null when nothing was lost, else the first difference with its path.</summary>
    /// <param name="input">The answer.</param>
    /// <param name="output">What the model wrote.</param>
    /// <param name="path">JSON path so far.</param>
    /// <returns>The difference or null.</returns>
    public static string? Difference(JsonElement input, JsonElement output, string path = "$")
    {
        if (input.ValueKind == JsonValueKind.Object && output.ValueKind == JsonValueKind.Object)
        {
            var i = input.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
            var o = output.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
            foreach (var (name, value) in i)
            {
                if (!o.TryGetValue(name, out var written)) return $"{path}.{name}: dropped ({Clip(value.GetRawText())})";
                if (Difference(value, written, path + "." + name) is { } d) return d;
            }

            foreach (var name in o.Keys)
            {
                if (!i.ContainsKey(name)) return $"{path}.{name}: added ({Clip(o[name].GetRawText())})";
            }

            return null;
        }

        // An empty array where a message is declared reads as an empty message (WireRead.TryModel: telling [] from
        // {} would cost a second read of every nested message).
        if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() == 0 && output.ValueKind == JsonValueKind.Object && !output.EnumerateObject().Any()) return null;

        if (input.ValueKind == JsonValueKind.Array && output.ValueKind == JsonValueKind.Array)
        {
            var a = input.EnumerateArray().ToList();
            var b = output.EnumerateArray().ToList();
            if (a.Count != b.Count) return $"{path}: {a.Count} items became {b.Count}";
            for (var k = 0; k < a.Count; k++)
            {
                if (a[k].ValueKind is not (JsonValueKind.Object or JsonValueKind.Array) && b[k].ValueKind == JsonValueKind.Object && !b[k].EnumerateObject().Any())
                {
                    return ItemAsEmptyMessage + $"{path}[{k}]";
                }

                if (Difference(a[k], b[k], $"{path}[{k}]") is { } d) return d;
            }

            return null;
        }

        if (input.ValueKind == JsonValueKind.Null && output.ValueKind == JsonValueKind.Null) return null;
        if (Scalar(input) is { } x && Scalar(output) is { } y && Same(x, y)) return null;
        if (input.ValueKind == JsonValueKind.Number && Scalar(input) is { Dbl: { } big } && !double.IsFinite(big)) return BeyondDouble + path;
        if (input.ValueKind == output.ValueKind && input.ValueKind is JsonValueKind.True or JsonValueKind.False) return null;
        if (input.ValueKind == JsonValueKind.String && output.ValueKind == JsonValueKind.String && Text(input) == Text(output)) return null;
        return $"{path}: {Clip(input.GetRawText())} became {Clip(output.GetRawText())}";
    }

    private static (decimal? Dec, double? Dbl, string Text)? Scalar(JsonElement e)
    {
        string text;
        if (e.ValueKind == JsonValueKind.Number) text = e.GetRawText();
        else if (e.ValueKind == JsonValueKind.String)
        {
            try
            {
                text = e.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return null;
            }

            if (e.ValueKind == JsonValueKind.String && !LooksNumeric(text)) return null;
        }
        else return null;

        decimal? dec = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null;
        double? dbl = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        return (dec, dbl, text);
    }

    private static string Text(JsonElement e)
    {
        try
        {
            return e.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return e.GetRawText();
        }
    }

    private static bool LooksNumeric(string s) =>
        s is "NaN" or "Infinity" or "-Infinity"
        || (s.Length > 0 && (char.IsAsciiDigit(s[0]) || (s[0] == '-' && s.Length > 1 && char.IsAsciiDigit(s[1]))));

    private static bool Same((decimal? Dec, double? Dbl, string Text) a, (decimal? Dec, double? Dbl, string Text) b)
    {
        if (a.Text == b.Text) return true;
        // decimal keeps 28 places: a tiny non-integer (6.829000000000001E-22) may come back rounded in its last digits.
        if (a.Dbl is { } same && b.Dbl is { } other && same.Equals(other)) return true; // a double field holds what a double holds
        if (a.Dbl is { } p && b.Dbl is { } q && !p.Equals(q)) return Math.Abs(p - q) <= 1e-12 * Math.Max(Math.Abs(p), Math.Abs(q)) && Math.Abs(p) < 1e-6;
        if (a.Dec is { } x && b.Dec is { } y) return x == y;
        return a.Dbl is not null && b.Dbl is not null;
    }

    private static bool HasDuplicates(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = p.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return true; // not UTF-8: not comparable
                    }

                    if (!names.Add(name) || HasDuplicates(p.Value)) return true;
                }

                return false;
            case JsonValueKind.Array:
                return e.EnumerateArray().Any(HasDuplicates);
            default:
                return false;
        }
    }

    private static string Clip(string s) => s.Length > 120 ? s[..120] + "..." : s;
}
