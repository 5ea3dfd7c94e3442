using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Mlflow.Client.Serialization;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>
/// The client's JSON parse node factory (MlflowJsonParseNodeFactory) against Kiota's JsonParseNodeFactory: every
/// recorded JSON body of the wire corpus, read through the declared models (responses, error models, request
/// bodies) and as untyped JSON, must write back identically; primitive getters must answer (or throw) the same.
/// </summary>
public sealed class JsonParseNodeEquivalenceTests
{
    private static readonly IParseNodeFactory KiotaFactory = new JsonParseNodeFactory();
    private static readonly IParseNodeFactory MlflowFactory = new MlflowJsonParseNodeFactory();

    public static IEnumerable<object[]> Exchanges() => Wire.Index().Select(row => new object[] { row[0], row[7] });

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Recorded_bodies_read_identically(string id, string file)
    {
        using var doc = Wire.Load(file);
        var root = doc.RootElement;
        var op = OperationOf(root.GetProperty("request").GetProperty("method").GetString(), file, id);
        var status = root.GetProperty("response").GetProperty("status").GetInt32();
        var compared = 0;

        if (root.GetProperty("response").TryGetProperty("body", out var body) && body.ValueKind != JsonValueKind.Null)
        {
            // The bytes as sent when recorded as text (exact escapes and number spellings), else the recorded JSON.
            var json = root.GetProperty("response").TryGetProperty("raw_body", out var raw) && raw.ValueKind == JsonValueKind.String && IsJson(raw.GetString()!)
                ? raw.GetString()!
                : body.GetRawText();
            await AssertSame(json, node => node.GetObjectValue(UntypedNode.CreateFromDiscriminatorValue));
            compared++;
            if (op != null)
            {
                if (status >= 200 && status < 300)
                {
                    if (op.ResponseKind is MlflowResponseKind.Model or MlflowResponseKind.Collection or MlflowResponseKind.Untyped)
                    {
                        await AssertSame(json, node => op.ReadResponse(node));
                        compared++;
                    }
                }
                else if (ErrorFactory(op, status) is { } factory)
                {
                    await AssertSame(json, node => node.GetObjectValue(factory));
                    compared++;
                }
            }
        }

        var request = root.GetProperty("request");
        if (op?.RequestBodyFactory is { } bodyFactory && request.TryGetProperty("body", out var sent) && sent.ValueKind == JsonValueKind.Object)
        {
            await AssertSame(sent.GetRawText(), node => node.GetObjectValue(bodyFactory));
            compared++;
        }

        Assert.True(compared >= 0);
    }

    [Fact]
    public void Corpus_is_covered()
    {
        var models = 0;
        foreach (var row in Wire.Index())
        {
            using var doc = Wire.Load(row[7]);
            var root = doc.RootElement;
            var op = OperationOf(root.GetProperty("request").GetProperty("method").GetString(), row[7], row[0]);
            if (op != null && root.GetProperty("response").TryGetProperty("body", out var body) && body.ValueKind != JsonValueKind.Null)
            {
                models++;
            }
        }

        // Most recorded JSON answers belong to a spec operation (and are read through its models above).
        Assert.True(models > 300, "only " + models + " recorded JSON answers matched a spec operation");
    }

    public static IEnumerable<object[]> Values() => new[]
    {
        "1", "-1", "0", "-0", "1.0", "1.5", "1e3", "1E+2", "-1e-7", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "79228162514264337593543950335", "79228162514264337593543950336", "1.7976931348623157e308", "1e400", "-1e400",
        "4.9e-324", "1e-400", "0.1", "123456789012345678901234567890.123", "255", "256", "-128", "-129", "3.4028235e38",
        "3.5e38", "true", "false", "null", "\"\"", "\"x\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"12\"",
        "\"\\u00e9\\n\\\"\"", "\"2024-01-02T03:04:05Z\"", "\"2024-01-02\"", "\"12:30:00\"", "\"P1D\"",
        "\"00000000-0000-0000-0000-000000000001\"", "\"aGVsbG8=\"", "[]", "[1,2]", "[\"a\",null]", "[1.5,\"x\",true,null,{}]",
        "{}", "{\"a\":1,\"b\":[{\"c\":null}],\"a\":2}", "[[1],[{\"x\":\"y\"}]]",
    }.Select(v => new object[] { v });

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Getters_answer_identically(string json)
    {
        var getters = new (string Name, Func<IParseNode, object?> Get)[]
        {
            ("string", n => n.GetStringValue()),
            ("bool", n => n.GetBoolValue()),
            ("byte", n => n.GetByteValue()),
            ("sbyte", n => n.GetSbyteValue()),
            ("int", n => n.GetIntValue()),
            ("long", n => n.GetLongValue()),
            ("float", n => n.GetFloatValue()),
            ("double", n => n.GetDoubleValue()),
            ("decimal", n => n.GetDecimalValue()),
            ("guid", n => n.GetGuidValue()),
            ("dto", n => n.GetDateTimeOffsetValue()),
            ("timespan", n => n.GetTimeSpanValue()),
            ("date", n => n.GetDateValue()),
            ("time", n => n.GetTimeValue()),
            ("bytes", n => n.GetByteArrayValue() is { } b ? Convert.ToBase64String(b) : null),
            ("enum", n => n.GetEnumValue<DayOfWeek>()),
            ("strings", n => Join(n.GetCollectionOfPrimitiveValues<string>())),
            ("longs", n => Join(n.GetCollectionOfPrimitiveValues<long>())),
            ("ints", n => Join(n.GetCollectionOfPrimitiveValues<int>())),
            ("doubles", n => Join(n.GetCollectionOfPrimitiveValues<double>())),
            ("bools", n => Join(n.GetCollectionOfPrimitiveValues<bool>())),
            ("floats", n => Join(n.GetCollectionOfPrimitiveValues<float>())),
            ("enums", n => Join(n.GetCollectionOfEnumValues<DayOfWeek>())),
            ("objects", n => string.Join("|", n.GetCollectionOfObjectValues(UntypedNode.CreateFromDiscriminatorValue).Select(Write))),
            ("untyped", n => Write(n.GetObjectValue(UntypedNode.CreateFromDiscriminatorValue))),
            ("child", n => n.GetChildNode("a") is { } c ? Write(c.GetObjectValue(UntypedNode.CreateFromDiscriminatorValue)) : "none"),
        };

        foreach (var (name, get) in getters)
        {
            var expected = await Outcome(KiotaFactory, json, get);
            var actual = await Outcome(MlflowFactory, json, get);
            if (BeyondRange(json) && name is "float" or "double" or "decimal" or "untyped" or "objects" or "child")
            {
                // On purpose (found by tests/Mlflow.Fuzz.Tests): a number a float/double/decimal cannot hold reads as
                // no value (not an infinity, not a decimal 0), and untyped it keeps its text; Kiota's infinities could
                // not be written back.
                continue;
            }

            Assert.True(expected == actual, name + " of " + json + ": Kiota " + expected + ", Mlflow " + actual);
        }
    }

    [Fact]
    public async Task Hooks_and_additional_data_follow_kiota()
    {
        const string json = "{\"a\":1,\"b\":\"2024-01-02T03:04:05Z\",\"c\":\"00000000-0000-0000-0000-000000000001\",\"d\":1.5,\"e\":null,\"f\":[1,{\"g\":2}],\"f\":3,\"h\":{\"i\":true},\"j\":\"s\"}";
        var results = new List<string>();
        foreach (var factory in new[] { KiotaFactory, MlflowFactory })
        {
            var calls = new List<string>();
            var root = await Root(factory, json);
            root.OnBeforeAssignFieldValues = p => calls.Add("before " + p.GetType().Name);
            root.OnAfterAssignFieldValues = p => calls.Add("after " + p.GetType().Name);
            var holder = root.GetObjectValue(_ => new Holder(calls));
            var data = string.Join(";", holder.AdditionalData.Select(kv => kv.Key + "=" + kv.Value?.GetType().Name + ":" + (kv.Value is UntypedNode u ? Write(u) : Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture))));
            results.Add(string.Join(",", calls) + " | " + data);
        }

        Assert.Equal(results[0], results[1]);
    }

    private sealed class Holder(List<string> calls) : IParsable, IAdditionalDataHolder
    {
        public IDictionary<string, object> AdditionalData { get; set; } = null!;

        public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() => new Dictionary<string, Action<IParseNode>>
        {
            ["a"] = n => calls.Add("a=" + n.GetIntValue()),
            ["e"] = n => calls.Add("e"),
            ["h"] = n => calls.Add("h=" + n.GetObjectValue(_ => new Holder(calls)).AdditionalData.Count),
        };

        public void Serialize(ISerializationWriter writer)
        {
        }
    }

    private static async Task<string> Outcome(IParseNodeFactory factory, string json, Func<IParseNode, object?> get)
    {
        var node = await Root(factory, json);
        object? value;
        try
        {
            value = get(node);
        }
        catch (Exception e)
        {
            return "throws " + e.GetType().FullName;
        }

        return value switch
        {
            null => "null",
            double d => "double " + d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            float f => "float " + f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable x => x.GetType().Name + " " + x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.GetType().Name + " " + value,
        };
    }

    private static string? Join<T>(IEnumerable<T> values) => string.Join(",", values.Select(v => v is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : v?.ToString() ?? "null"));

    private static bool BeyondRange(string json) =>
        json.Contains("e400", StringComparison.Ordinal) || json.Contains("e308", StringComparison.Ordinal) || json.Contains("e38", StringComparison.Ordinal) || json.Contains("e-324", StringComparison.Ordinal);

    private static async Task<IParseNode> Root(IParseNodeFactory factory, string json) =>
        await factory.GetRootParseNodeAsync("application/json", new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static async Task AssertSame(string json, Func<IParseNode, object?> read)
    {
        var expected = Serialized(read(await Root(KiotaFactory, json)));
        var actual = Serialized(read(await Root(MlflowFactory, json)));

        // One difference on purpose (found by tests/Mlflow.Fuzz.Tests): Kiota reads a number a double cannot hold
        // (MLflow's bare Infinity read leniently, 1e309) as an infinity its own writer then refuses (ArgumentException);
        // MlflowJsonParseNode keeps such a number as its text, which writes back.
        if (expected.StartsWith("throws System.ArgumentException", StringComparison.Ordinal) && !actual.StartsWith("throws", StringComparison.Ordinal))
        {
            return;
        }

        Assert.Equal(expected, actual);
    }

    // The JSON Kiota's writer produces (or the exception it throws) plus a structural dump of the object graph,
    // which tells apart what JSON cannot (float vs double vs decimal, infinities, null vs absent dictionaries).
    private static string Serialized(object? value)
    {
        var dump = new StringBuilder();
        Dump(value, dump, 0);
        string json;
        try
        {
            using var writer = new JsonSerializationWriter();
            switch (value)
            {
                case IParsable parsable:
                    writer.WriteObjectValue(null, parsable);
                    break;
                case System.Collections.IEnumerable items:
                    writer.WriteCollectionOfObjectValues(null, items.Cast<IParsable>().ToList());
                    break;
            }

            using var stream = writer.GetSerializedContent();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            json = reader.ReadToEnd();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            json = "throws " + e.GetType().FullName;
        }

        return json + "\n" + dump;
    }

    private static void Dump(object? value, StringBuilder to, int depth)
    {
        Assert.True(depth < 64, "object graph too deep");
        switch (value)
        {
            case null:
                to.Append("null");
                return;
            case string s:
                to.Append('"').Append(s).Append('"');
                return;
            case double d:
                to.Append("double ").Append(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                return;
            case float f:
                to.Append("float ").Append(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                return;
            case byte[] bytes:
                to.Append("bytes ").Append(Convert.ToBase64String(bytes));
                return;
            case IFormattable x:
                to.Append(x.GetType().Name).Append(' ').Append(x.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case bool b:
                to.Append(b ? "true" : "false");
                return;
            case UntypedNode node:
                to.Append(node.GetType().Name).Append('(');
                Dump(node.GetType().GetMethod("GetValue", Type.EmptyTypes)?.Invoke(node, null), to, depth + 1);
                to.Append(')');
                return;
            case System.Collections.IDictionary map:
                to.Append(map.GetType().Name).Append('{');
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    to.Append(entry.Key).Append(':');
                    Dump(entry.Value, to, depth + 1);
                    to.Append(',');
                }

                to.Append('}');
                return;
            case System.Collections.IEnumerable items:
                to.Append('[');
                foreach (var item in items)
                {
                    Dump(item, to, depth + 1);
                    to.Append(',');
                }

                to.Append(']');
                return;
        }

        to.Append(value.GetType().Name).Append('{');
        foreach (var property in value.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            to.Append(property.Name).Append('=');
            object? read;
            try
            {
                read = property.GetValue(value);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is Mlflow.Client.Serialization.MlflowMissingFieldException)
            {
                // A non-nullable field absent from the body (recorded invalid requests): the same for both readers.
                to.Append("<missing>;");
                continue;
            }

            Dump(read, to, depth + 1);
            to.Append(';');
        }

        to.Append('}');
    }

    private static string Write(UntypedNode node) => Serialized(node);

    private static ParsableFactory<IParsable>? ErrorFactory(MlflowOperation op, int status)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return op.ErrorMapping.TryGetValue(code, out var f) ? f
            : op.ErrorMapping.TryGetValue(code[0] + "XX", out f) ? f
            : op.ErrorMapping.TryGetValue("XXX", out f) ? f
            : null;
    }

    private static MlflowOperation? OperationOf(string? method, string file, string id)
    {
        var row = Wire.Index().Single(r => r[0] == id && r[7] == file);
        var shape = Shape(row[4]);
        var candidates = MlflowOperations.All.Where(o => o.HttpMethod == method && Shape(o.PathTemplate) == shape).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shape(string template) => System.Text.RegularExpressions.Regex.Replace(template, "\\{[^}]*\\}", "{}");
}
