using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>Specs/models.openapi.json: models, enums, maps, arrays, nested and inline messages, wire rules.</summary>
public sealed class ModelTests
{
    private static readonly Lazy<GeneratorHarness.Result> Result = new(() => GeneratorHarness.RunSmall("models.openapi.json"));
    private static readonly Lazy<Generated> Client = new(() => new Generated(Result.Value.Load()));

    [Fact]
    public void Output_compiles_without_warnings()
    {
        Result.Value.AssertCleanCompile();
    }

    [Theory]
    [InlineData("Mlflow.Client.Models.Run.g.cs")]
    [InlineData("Mlflow.Client.Models.RunStatus.g.cs")]
    [InlineData("Mlflow.Client.Models.RunStage.g.cs")]
    [InlineData("Mlflow.Client.Models.RunLocation.g.cs")]
    [InlineData("Mlflow.Client.Models.ErrorResponse.g.cs")]
    [InlineData("Mlflow.Client.Models.Empty.g.cs")]
    public void Emitted_text_matches_snapshot(string hintName)
    {
        Snapshot.Match(Result.Value.File(hintName), "models", hintName);
    }

    [Fact]
    public void Alias_schemas_emit_no_type_and_unions_are_reported_as_untyped()
    {
        Assert.DoesNotContain(Result.Value.Files.Keys, k => k.Contains("RunIdList", StringComparison.Ordinal));
        var info = Assert.Single(Result.Value.GeneratorDiagnostics, d => d.Id == "MLFG100");
        Assert.Contains("#/components/schemas/Run/properties/limit/anyOf", info.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("public global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode? Limit", Result.Value.File("Mlflow.Client.Models.Run.g.cs"), StringComparison.Ordinal);
        // anyOf [string, null] is a nullable string, not a union.
        Assert.Contains("public string? Workspace", Result.Value.File("Mlflow.Client.Models.Run.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_kind_round_trips_through_Kiota_json()
    {
        const string json = """
        {
          "run_id": "r1", "status": "RUNNING", "start_time": 1795386972503, "attempt": 2, "score": 0.5, "deleted": false,
          "metrics": [{"key": "m", "value": 1.5, "timestamp": 10, "step": 0}],
          "tags": [{"key": "k", "value": "v"}],
          "run_ids": ["a", "b"], "steps": [1, 2], "values": [0.25, 3], "statuses": ["FAILED", "KILLED"],
          "params": {"lr": "0.1"}, "tag_map": {"x": {"key": "k2", "value": "v2"}},
          "payload": "AAEC", "value": {"nested": [1, "two", null, true]}, "struct": {"a": {"b": 1}},
          "stage": "Staging", "location": {"kind": "MLFLOW_EXPERIMENT", "experiment_id": "7"},
          "Run": "self", "additional_data": "kiota-member", "legacy": "old", "workspace": "default", "limit": {"key": "x"}
        }
        """;
        var model = RoundTrip("getRun", json, out var written);
        AssertJsonEqual(json, written);
        var additional = ((IAdditionalDataHolder)model).AdditionalData;
        Assert.Empty(additional);
    }

    [Fact]
    public void Int64_is_read_from_numbers_and_numeric_strings()
    {
        var model = RoundTrip("getRun", """{"start_time": "1795386972503", "steps": ["1", 2]}""", out var written);
        Assert.Equal(1795386972503L, (long?)model.GetType().GetProperty("StartTime")!.GetValue(model));
        AssertJsonEqual("""{"start_time": 1795386972503, "steps": [1, 2]}""", written);
    }

    [Fact]
    public void Non_finite_doubles_are_read_from_strings_and_written_as_strings()
    {
        var model = RoundTrip("getRun", """{"metrics": [{"key": "a", "value": "NaN"}, {"key": "b", "value": "Infinity"}, {"key": "c", "value": "-Infinity"}], "values": ["NaN", 1.5, "-Infinity"]}""", out var written);
        AssertJsonEqual("""{"metrics": [{"key": "a", "value": "NaN"}, {"key": "b", "value": "Infinity"}, {"key": "c", "value": "-Infinity"}], "values": ["NaN", 1.5, "-Infinity"]}""", written);
        Assert.NotNull(model);
    }

    [Fact]
    public void Unknown_fields_and_unknown_enum_names_are_kept_and_written_back()
    {
        const string json = """{"run_id": "r", "status": "PAUSED_IN_3_99", "statuses": ["RUNNING", "NEW_ONE"], "future_field": {"when": "2026-11-22T22:13:22.711Z", "id": "977a7df0-1a09-461b-8bbd-890ce1ca605e"}}""";
        var model = RoundTrip("getRun", json, out var written);
        AssertJsonEqual(json, written);
        var additional = ((IAdditionalDataHolder)model).AdditionalData;
        Assert.Equal(new[] { "future_field", "status", "statuses" }, additional.Keys.Order());
        Assert.Null(model.GetType().GetProperty("Status")!.GetValue(model));
        Assert.IsType<UntypedObject>(additional["future_field"]);
    }

    [Fact]
    public void Values_of_the_wrong_type_are_kept_verbatim_instead_of_dropped()
    {
        const string json = """{"run_id": 12, "start_time": 1.5, "metrics": [{"key": "m", "value": "abc"}], "deleted": "yes", "payload": "not base64!"}""";
        RoundTrip("getRun", json, out var written);
        AssertJsonEqual(json, written);
    }

    [Fact]
    public void Any_values_keep_numbers_beyond_decimal_and_float_range()
    {
        // Kiota's own untyped reader would read 1.7976931348623157e308 as a float (+Infinity) and fail to write it.
        const string json = """{"value": 1.7976931348623157e308, "struct": {"neg": -1.7976931348623157e308, "big_int": 1234567890123456789, "dec": 0.1, "one": 1.0, "list": [[], {}, null, "s", false]}}""";
        RoundTrip("getRun", json, out var written);
        AssertJsonEqual(json, written);
    }

    [Fact]
    public void Unset_fields_are_omitted_and_timestamps_are_written_in_utc()
    {
        RoundTrip("getRun", """{"created": "2026-11-22T23:13:22.711+01:00"}""", out var written);
        Assert.Equal("""{"created":"2026-11-22T22:13:22.711Z"}""", written);
    }

    [Fact]
    public void Error_models_are_ApiExceptions_with_the_wire_message()
    {
        var errorType = Client.Value.Type("Mlflow.Client.Models.ErrorResponse");
        Assert.True(typeof(Microsoft.Kiota.Abstractions.ApiException).IsAssignableFrom(errorType));
        var factory = (ParsableFactory<IParsable>)Client.Value.Operation("getRun").ErrorMapping["XXX"];
        var error = (Exception)Client.Value.Parse(factory, """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run 'x' not found", "sqlstate": "42S02"}""");
        Assert.Equal("Run 'x' not found", error.Message);
        AssertJsonEqual("""{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run 'x' not found", "sqlstate": "42S02"}""", Generated.Write((IParsable)error));
    }

    private static IParsable RoundTrip(string operationId, string json, out string written)
    {
        var factory = (ParsableFactory<IParsable>)Client.Value.Operation(operationId).ResponseFactory;
        var model = Client.Value.Parse(factory, json);
        written = Generated.Write(model);
        return model;
    }

    internal static void AssertJsonEqual(string expected, string actual)
    {
        var e = JsonNode.Parse(expected);
        var a = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(e, a), "expected " + e!.ToJsonString() + "\nactual   " + a!.ToJsonString());
    }
}
