using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Mlflow.Client.Serialization;

namespace Mlflow.Client.Tests;

/// <summary>
/// Unit tests of the fixed runtime the generated models and catalog call (Runtime/Serialization, Runtime/Operations):
/// MLflow's wire conventions for int64 and doubles, the raw-value fallback, query parsing and the missing-field error.
/// </summary>
public sealed class WireRuntimeTests
{
    private static JsonParseNode Node(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return new JsonParseNode(doc.RootElement.Clone());
    }

    private static string Written(Action<JsonSerializationWriter> write)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, new Fields(w => write((JsonSerializationWriter)w)));
        using var reader = new StreamReader(writer.GetSerializedContent(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Theory]
    [InlineData("1700000000123", 1700000000123L)]
    [InlineData("\"1700000000123\"", 1700000000123L)]
    [InlineData("-5", -5L)]
    public void Int64_is_read_from_numbers_and_numeric_strings(string json, long expected)
    {
        Assert.True(WireRead.TryInt64(Node(json), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    public void Int64_rejects_what_does_not_fit(string json) => Assert.False(WireRead.TryInt64(Node(json), out _));

    [Theory]
    [InlineData("\"NaN\"", double.NaN)]
    [InlineData("\"Infinity\"", double.PositiveInfinity)]
    [InlineData("\"-Infinity\"", double.NegativeInfinity)]
    [InlineData("0.25", 0.25)]
    [InlineData("\"0.25\"", 0.25)]
    public void Doubles_accept_MLflow_non_finite_strings(string json, double expected)
    {
        Assert.True(WireRead.TryDouble(Node(json), out var value));
        Assert.Equal(expected, value!.Value);
    }

    [Fact]
    public void Raw_keeps_large_numbers_and_nested_values_exactly()
    {
        var raw = WireRead.Raw(Node("""{"big": 1.7976931348623157e308, "n": 1700000000123, "small": 12, "list": ["a", true], "empty": {}}"""));
        var obj = Assert.IsType<UntypedObject>(raw);
        var props = obj.GetValue();
        Assert.Equal(1.7976931348623157e308, Assert.IsType<UntypedDouble>(props["big"]).GetValue());
        Assert.Equal(1700000000123L, Assert.IsType<UntypedLong>(props["n"]).GetValue());
        Assert.Equal(12, Assert.IsType<UntypedInteger>(props["small"]).GetValue());
        Assert.Equal(2, Assert.IsType<UntypedArray>(props["list"]).GetValue().Count());
        Assert.IsType<UntypedObject>(props["empty"]);
    }

    [Fact]
    public void Non_finite_doubles_are_written_as_strings_and_finite_ones_as_numbers()
    {
        Assert.Equal("""{"a":"NaN","b":"-Infinity","c":0.5}""", Written(w =>
        {
            WireWrite.Double(w, "a", double.NaN);
            WireWrite.Double(w, "b", double.NegativeInfinity);
            WireWrite.Double(w, "c", 0.5);
            WireWrite.Double(w, "d", null);
        }));
        Assert.Null(WireWrite.NonFinite(1.0));
    }

    [Fact]
    public void Query_values_take_the_last_value_and_name_the_bad_one()
    {
        var query = new[] { KeyValuePair.Create("max_results", "10"), KeyValuePair.Create("max_results", "20"), KeyValuePair.Create("order_by", "a"), KeyValuePair.Create("order_by", "b") };
        Assert.Equal(20, QueryValues.One<int>(query, "max_results", QueryValues.Int32));
        Assert.Null(QueryValues.One<int>(query, "absent", QueryValues.Int32));
        Assert.Equal(new[] { "a", "b" }, QueryValues.Many<string>(query, "order_by", QueryValues.String));
        Assert.Equal("b", QueryValues.Text(query, "order_by"));
        var error = Assert.Throws<FormatException>(() => QueryValues.One<bool>(new[] { KeyValuePair.Create("flag", "yes") }, "flag", QueryValues.Boolean));
        Assert.Contains("flag", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_field_exception_names_the_model_and_the_wire_field()
    {
        var run = new Mlflow.Client.Models.RunInfo();
        var error = Assert.Throws<MlflowMissingFieldException>(() => run.RunId);
        Assert.Contains("run_id", error.Message, StringComparison.Ordinal);
        Assert.Contains("RunInfo", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A model whose fields are whatever the test writes.</summary>
    private sealed class Fields(Action<ISerializationWriter> write) : IParsable
    {
        public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() => new Dictionary<string, Action<IParseNode>>();

        public void Serialize(ISerializationWriter writer) => write(writer);
    }
}
