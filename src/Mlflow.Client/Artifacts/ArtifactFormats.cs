using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlflow.Artifacts;

/// <summary>The file formats of <c>LogDict</c> (JSON, YAML) and <c>LogImage</c> (signature checks).</summary>
internal static class ArtifactFormats
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Dictionary(JsonNode? value, string artifactFile)
    {
        var extension = Path.GetExtension(artifactFile);
        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            var yaml = new StringBuilder();
            YamlWriter.Write(yaml, value);
            return new UTF8Encoding(false).GetBytes(yaml.ToString());
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            if (value is null) writer.WriteNullValue();
            else value.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    public static void CheckImage(ReadOnlySpan<byte> image, string artifactFile, string parameterName)
    {
        var extension = Path.GetExtension(artifactFile).ToLowerInvariant();
        var expected = extension switch
        {
            ".png" => "PNG",
            ".jpg" or ".jpeg" => "JPEG",
            ".gif" => "GIF",
            ".bmp" => "BMP",
            ".webp" => "WebP",
            ".tif" or ".tiff" => "TIFF",
            _ => throw new ArgumentException(
                $"Invalid artifact file '{artifactFile}' for an image: use one of .png, .jpg, .jpeg, .gif, .bmp, .webp, .tif, .tiff.", nameof(artifactFile)),
        };
        var actual = Sniff(image);
        if (actual is null)
        {
            throw new ArgumentException($"The image bytes are not an encoded image (PNG, JPEG, GIF, BMP, WebP or TIFF); encode it before logging it as '{artifactFile}'.", parameterName);
        }

        if (actual != expected)
        {
            throw new ArgumentException($"The image bytes are {actual} but '{artifactFile}' names a {expected} file; use a matching extension.", parameterName);
        }
    }

    private static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "PNG";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "JPEG";
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return "GIF";
        if (b.StartsWith("BM"u8) && b.Length > 14) return "BMP";
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8)) return "WebP";
        if (b.StartsWith((ReadOnlySpan<byte>)[0x49, 0x49, 0x2A, 0x00]) || b.StartsWith((ReadOnlySpan<byte>)[0x4D, 0x4D, 0x00, 0x2A])) return "TIFF";
        return null;
    }
}

/// <summary>
/// A block-style YAML writer for JSON values, shaped like PyYAML's <c>yaml.dump(..., default_flow_style=False)</c>
/// that MLflow's <c>log_dict</c> uses: mapping keys sorted, sequences not indented under their key, strings quoted
/// only when they would read back as something else.
/// </summary>
internal static class YamlWriter
{
    public static void Write(StringBuilder output, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                WriteMapping(output, o, 0);
                break;
            case JsonArray a when a.Count > 0:
                WriteSequence(output, a, 0);
                break;
            default:
                output.Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteMapping(StringBuilder output, JsonObject mapping, int indent)
    {
        foreach (var (key, child) in mapping.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.Append(' ', indent).Append(Text(key)).Append(':');
            WriteChild(output, child, indent, inSequence: false);
        }
    }

    private static void WriteSequence(StringBuilder output, JsonArray sequence, int indent)
    {
        foreach (var item in sequence)
        {
            output.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject o when o.Count > 0:
                    // The first key sits on the dash line; the others align with it.
                    var first = true;
                    foreach (var (key, child) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        if (first) output.Append(' ');
                        else output.Append(' ', indent + 2);
                        first = false;
                        output.Append(Text(key)).Append(':');
                        WriteChild(output, child, indent + 2, inSequence: true);
                    }

                    break;
                case JsonArray a when a.Count > 0:
                    output.Append('\n');
                    WriteSequence(output, a, indent + 2);
                    break;
                default:
                    output.Append(' ').Append(Scalar(item)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteChild(StringBuilder output, JsonNode? child, int indent, bool inSequence)
    {
        switch (child)
        {
            case JsonObject o when o.Count > 0:
                output.Append('\n');
                WriteMapping(output, o, indent + 2);
                break;
            case JsonArray a when a.Count > 0:
                output.Append('\n');
                WriteSequence(output, a, inSequence ? indent + 2 : indent);
                break;
            default:
                output.Append(' ').Append(Scalar(child)).Append('\n');
                break;
        }
    }

    private static string Scalar(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case JsonObject:
                return "{}";
            case JsonArray:
                return "[]";
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            JsonValueKind.String => Text(value.GetValue<string>()),
            _ => value.ToJsonString(),
        };
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".nan", ".inf", "-.inf", "+.inf",
    };

    /// <summary>A string as a plain scalar when it reads back as the same string, else single-quoted (double-quoted when it holds control characters).</summary>
    internal static string Text(string text)
    {
        if (text.Any(c => c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029'))
        {
            return "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";
        }

        var plain = !Reserved.Contains(text)
            && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && "-?:,[]{}#&*!|>'\"%@` ".IndexOf(text[0]) < 0
            && text[^1] != ' ' && text[^1] != ':'
            && !text.Contains(": ", StringComparison.Ordinal)
            && !text.Contains(" #", StringComparison.Ordinal)
            && !text.Contains('\t');
        return plain ? text : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}

/// <summary>MLflow's table JSON (pandas <c>to_json(orient="split", index=False)</c>): <c>{"columns": [...], "data": [[...]]}</c>.</summary>
internal sealed class ArtifactTable
{
    private ArtifactTable(List<string> columns, List<JsonNode?[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public List<string> Columns { get; }

    public List<JsonNode?[]> Rows { get; }

    public static ArtifactTable FromColumns(IReadOnlyDictionary<string, IEnumerable> data)
    {
        var columns = new List<string>();
        var values = new List<List<JsonNode?>>();
        foreach (var (name, column) in data)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (column is null) throw new ArgumentException($"Column '{name}' has no values (null).", nameof(data));
            columns.Add(name);
            var list = new List<JsonNode?>();
            foreach (var item in column) list.Add(ToNode(item, name));
            values.Add(list);
        }

        var length = values.Count == 0 ? 0 : values[0].Count;
        if (values.Any(v => v.Count != length))
        {
            var lengths = string.Join(", ", columns.Select((c, i) => $"{c}: {values[i].Count}"));
            throw new ArgumentException($"All columns of a table must have the same length ({lengths}).", nameof(data));
        }

        var rows = new List<JsonNode?[]>(length);
        for (var r = 0; r < length; r++) rows.Add(values.Select(v => v[r]).ToArray());
        return new ArtifactTable(columns, rows);
    }

    public static ArtifactTable Parse(byte[] json, string artifactFile)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not an object");
            var columns = (root["columns"] as JsonArray ?? throw new JsonException("no columns")).Select(c => c?.GetValue<string>() ?? "").ToList();
            var rows = (root["data"] as JsonArray ?? []).Select(r => (r as JsonArray ?? throw new JsonException("a row is not an array")).Select(v => v?.DeepClone()).ToArray()).ToList();
            return new ArtifactTable(columns, rows);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new MlflowArtifactException($"The existing artifact '{artifactFile}' is not a table in MLflow's JSON format ({ex.Message}); it was left unchanged.", ex);
        }
    }

    /// <summary>Rows of <paramref name="other"/> after these; columns united in order of appearance (pandas <c>concat</c>).</summary>
    public ArtifactTable Append(ArtifactTable other)
    {
        var columns = Columns.Concat(other.Columns.Where(c => !Columns.Contains(c))).ToList();
        var rows = new List<JsonNode?[]>();
        foreach (var (table, row) in Rows.Select(r => (this, r)).Concat(other.Rows.Select(r => (other, r))))
        {
            rows.Add(columns.Select(c => table.Columns.IndexOf(c) is var i and >= 0 ? row[i]?.DeepClone() : null).ToArray());
        }

        return new ArtifactTable(columns, rows);
    }

    public byte[] ToJson()
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("columns");
            foreach (var column in Columns) writer.WriteStringValue(column);
            writer.WriteEndArray();
            writer.WriteStartArray("data");
            foreach (var row in Rows)
            {
                writer.WriteStartArray();
                foreach (var cell in row)
                {
                    if (cell is null) writer.WriteNullValue();
                    else cell.WriteTo(writer);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static JsonNode? ToNode(object? value, string column) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        char c => JsonValue.Create(c.ToString()),
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float f => Finite(f, column),
        double d => Finite(d, column),
        decimal m => JsonValue.Create(m),
        DateTime t => JsonValue.Create(t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonValue.Create(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        Guid g => JsonValue.Create(g.ToString()),
        Enum e => JsonValue.Create(e.ToString()),
        _ => throw new ArgumentException($"Column '{column}' holds a {value.GetType().Name}; table cells are strings, numbers, booleans, dates, JSON values or null.", nameof(value)),
    };

    private static JsonNode? Finite(double value, string column) =>
        double.IsFinite(value) ? JsonValue.Create(value) : null; // pandas writes NaN and infinities as null
}
