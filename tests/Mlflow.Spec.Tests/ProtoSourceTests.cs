using System.Text.Json.Nodes;
using Mlflow.SpecGen;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>
/// SpecGen reads MLflow's .proto files: the proto sets under Protos/ are written for these tests in MLflow's style
/// (proto2 and proto3, the <c>(rpc)</c> option with endpoints, API versions and visibility, <c>(validate_required)</c>,
/// defaults, maps, oneofs, nested enums, well-known types, imports of <c>databricks.proto</c> and
/// <c>scalapb/scalapb.proto</c>, present in one set and absent in the other).
/// </summary>
public class ProtoSourceTests
{
    internal static string Protos(string set) => Path.Combine(AppContext.BaseDirectory, "Protos", set);

    private static readonly Lazy<JsonObject> Current = new(() => ProtoFolder.Extract(Protos("mlflow-3x-style")));

    private static JsonObject File(string name) =>
        Current.Value["files"]!.AsArray().Single(f => (string)f!["file"]! == name)!.AsObject();

    private static JsonObject Message(string file, string fullName)
    {
        JsonObject? Find(JsonArray messages)
        {
            foreach (var m in messages)
            {
                if ((string)m!["name"]! == fullName) return m.AsObject();
                if (Find(m["nested_messages"]!.AsArray()) is { } nested) return nested;
            }
            return null;
        }
        return Find(File(file)["messages"]!.AsArray()) ?? throw new InvalidOperationException(fullName);
    }

    private static JsonObject Field(JsonObject message, string name) =>
        message["fields"]!.AsArray().Single(f => (string)f!["name"]! == name)!.AsObject();

    [Fact]
    public void Extract_keeps_the_served_files_and_their_imports_only()
    {
        var files = Current.Value["files"]!.AsArray().Select(f => (string)f!["file"]!).ToList();
        Assert.Equal(
            ["google/protobuf/struct.proto", "google/protobuf/timestamp.proto", "assessments.proto", "databricks.proto",
             "service.proto", "model_registry.proto", "mlflow_artifacts.proto", "webhooks.proto"],
            files);
        // Only the four served services; DatabricksOnlyService is left out.
        var services = Current.Value["files"]!.AsArray().SelectMany(f => f!["services"]!.AsArray()).Select(s => (string)s!["name"]!).ToList();
        Assert.Equal(["mlflow.MlflowService", "mlflow.ModelRegistryService", "mlflow.artifacts.MlflowArtifactsService", "mlflow.WebhookService"], services);
    }

    [Fact]
    public void Extract_decodes_the_rpc_option()
    {
        var rpcs = File("service.proto")["services"]![0]!["rpcs"]!.AsArray();
        var byName = rpcs.ToDictionary(r => (string)r!["name"]!, r => r!.AsObject());
        // internalOnly has no (rpc) option: no HTTP binding, left out.
        Assert.DoesNotContain("internalOnly", byName.Keys);
        Assert.Equal(
            """[{"method":"GET","path":"/mlflow/experiments/get-by-name","since":"2.0"}]""",
            byName["getExperimentByName"]["endpoints"]!.ToJsonString(Relaxed));
        // Two endpoints, in order; an endpoint without a method is POST (the option's default).
        Assert.Equal(["POST", "GET"], byName["searchExperiments"]["endpoints"]!.AsArray().Select(e => (string)e!["method"]!));
        Assert.Equal("POST", (string)byName["createRun"]["endpoints"]![0]!["method"]!);
        Assert.Equal("3.0", (string)byName["createAssessment"]["endpoints"]![0]!["since"]!);
        Assert.Equal("/mlflow/traces/{assessment.trace_id}/assessments", (string)byName["createAssessment"]["endpoints"]![0]!["path"]!);
        Assert.Equal("PUBLIC_UNDOCUMENTED", (string)byName["searchLoggedModels"]["visibility"]!);
        Assert.Equal("mlflow.CreateExperiment.Response", (string)byName["createExperiment"]["output"]!);
        var artifacts = File("mlflow_artifacts.proto");
        Assert.Equal("mlflow.artifacts", (string)artifacts["package"]!);
        Assert.Equal("/mlflow-artifacts/artifacts/<path:artifact_path>", (string)artifacts["services"]![0]!["rpcs"]![1]!["endpoints"]![0]!["path"]!);
    }

    [Fact]
    public void Extract_describes_fields_as_the_dump_does()
    {
        var logMetric = Message("service.proto", "mlflow.LogMetric");
        Assert.Equal("""{"name":"key","json_name":"key","number":2,"label":"optional","type":"string","validate_required":true}""", Field(logMetric, "key").ToJsonString(Relaxed));
        Assert.Equal("""{"name":"step","json_name":"step","number":5,"label":"optional","type":"int64","default":0}""", Field(logMetric, "step").ToJsonString(Relaxed));
        // Enum defaults by number; maps as {key, value}; nested enums under their message.
        Assert.Equal(1, (int)Field(Message("service.proto", "mlflow.SearchExperiments"), "view_type")["default"]!);
        var loggedModel = Message("service.proto", "mlflow.LoggedModel");
        Assert.Equal("""{"key":"string","value":"double"}""", Field(loggedModel, "metrics_by_key")["map"]!.ToJsonString(Relaxed));
        Assert.Equal(2, (int)Field(loggedModel, "status")["default"]!);
        Assert.Equal("mlflow.LoggedModel.Status", (string)loggedModel["nested_enums"]![0]!["name"]!);
        Assert.Empty(loggedModel["nested_messages"]!.AsArray()); // the map entry type is not a message of its own
        // proto3: a real oneof is named, a proto3 `optional` field (a synthetic oneof) is not.
        var assessment = Message("assessments.proto", "mlflow.assessments.Assessment");
        Assert.Equal("value", (string)Field(assessment, "feedback")["oneof"]!);
        Assert.Equal("google.protobuf.Timestamp", (string)Field(assessment, "create_time")["type_name"]!);
        Assert.Null(Field(Message("assessments.proto", "mlflow.assessments.Feedback"), "rationale")["oneof"]);
        Assert.Equal("createTime", (string)Field(assessment, "create_time")["json_name"]!);
    }

    [Fact]
    public void A_partial_older_folder_uses_the_built_in_options_and_ignores_the_scala_ones()
    {
        var notes = new List<string>();
        var dump = ProtoFolder.Extract(Protos("mlflow-1x-style"), notes);
        Assert.Single(notes, n => n.StartsWith("databricks.proto is absent", StringComparison.Ordinal));
        // model_registry.proto imports "mlflow/protos/databricks.proto" (from the repository root): the same file.
        Assert.Equal(["databricks.proto", "service.proto", "model_registry.proto"], dump["files"]!.AsArray().Select(f => (string)f!["file"]!));
        Assert.Contains(notes, n => n.StartsWith("scalapb/scalapb.proto is absent", StringComparison.Ordinal));
        var rpcs = dump["files"]!.AsArray().SelectMany(f => f!["services"]!.AsArray()).SelectMany(s => s!["rpcs"]!.AsArray()).Select(r => (string)r!["name"]!).ToList();
        Assert.Equal(8, rpcs.Count);
        Assert.Contains("listExperiments", rpcs);
        var createExperiment = dump["files"]!.AsArray().Single(f => (string)f!["file"]! == "service.proto")!["messages"]!.AsArray()
            .Single(m => (string)m!["name"]! == "mlflow.CreateExperiment")!;
        Assert.True((bool)createExperiment["fields"]![0]!["validate_required"]!);
    }

    [Fact]
    public void A_folder_that_is_not_mlflows_protos_is_a_clear_error()
    {
        var empty = Directory.CreateTempSubdirectory("specgen-empty-");
        try
        {
            System.IO.File.WriteAllText(Path.Combine(empty.FullName, "other.proto"), "syntax = \"proto3\";\npackage other;\nmessage A { string b = 1; }\n");
            var ex = Assert.Throws<SpecGenException>(() => ProtoFolder.Extract(empty.FullName));
            Assert.Contains("served services", ex.Message, StringComparison.Ordinal);
            System.IO.File.WriteAllText(Path.Combine(empty.FullName, "service.proto"), "syntax = \"proto2\";\npackage mlflow;\nservice MlflowService { rpc x(Nope) returns (Nope); }\n");
            var broken = Assert.Throws<SpecGenException>(() => ProtoFolder.Extract(empty.FullName));
            Assert.Contains("service.proto", broken.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generating_from_the_folder_equals_generating_from_its_dump()
    {
        var overlay = EmptyOverlay();
        var fromFolder = new SpecBuilder(ProtoStore.Load(Protos("mlflow-3x-style")), null, overlay).Build();
        var fromDump = new SpecBuilder(ProtoStore.FromJson(JsonNode.Parse(Current.Value.ToJsonString())!.AsObject()), null, overlay).Build();
        Assert.True(JsonNode.DeepEquals(fromFolder, fromDump));
        Assert.Equal(15, fromFolder["paths"]!.AsObject().Sum(p => p.Value!.AsObject().Count));
    }

    [Fact]
    public void The_spec_of_the_3x_style_set_follows_the_conventions()
    {
        var spec = new SpecBuilder(ProtoStore.Load(Protos("mlflow-3x-style")), null, EmptyOverlay()).Build();
        var paths = spec["paths"]!.AsObject();
        var schemas = spec["components"]!["schemas"]!.AsObject();

        // The proto's since is the REST API version: the path prefix and x-mlflow-api.
        var createAssessment = paths["/api/3.0/mlflow/traces/{trace_id}/assessments"]!["post"]!;
        Assert.Equal("3.0", (string)createAssessment["x-mlflow-api"]!);
        Assert.Equal("assessment.trace_id", (string)createAssessment["parameters"]![0]!["x-mlflow-body-field"]!);
        Assert.Equal("service.proto#MlflowService.createAssessment", (string)createAssessment["x-mlflow-source"]!);
        // Without a catalog or a previous spec the first release is unknown and the tag comes from the path.
        Assert.Equal("unknown", (string)createAssessment["x-mlflow-since"]!);
        Assert.Equal("traces", (string)createAssessment["tags"]![0]!);
        Assert.Equal("registry", (string)paths["/api/2.0/mlflow/registered-models/create"]!["post"]!["tags"]![0]!);
        Assert.Equal("PUBLIC_UNDOCUMENTED", (string)paths["/api/2.0/mlflow/logged-models/search"]!["post"]!["x-mlflow-visibility"]!);

        // POST + GET twin; GET fields are query parameters, with plain types.
        Assert.Equal("searchExperimentsGet", (string)paths["/api/2.0/mlflow/experiments/search"]!["get"]!["operationId"]!);
        var history = paths["/api/2.0/mlflow/metrics/get-history"]!["get"]!;
        Assert.Equal("""{"type":"integer","format":"int32"}""", history["parameters"]!.AsArray().Single(p => (string)p!["name"]! == "max_results")!["schema"]!.ToJsonString(Relaxed));
        Assert.Equal("metrics", (string)history["x-mlflow-pagination"]!["itemsField"]!);
        var delete = paths["/api/2.0/mlflow-artifacts/artifacts/{artifact_path}"]!["delete"]!;
        Assert.True((bool)delete["parameters"]![0]!["x-mlflow-allow-slashes"]!);
        Assert.NotNull(delete["requestBody"]);

        // The wire shapes: doubles with their non-finite strings, int64 with numeric strings, null in optional request fields.
        var logMetric = schemas["LogMetric"]!["properties"]!;
        Assert.Equal("""{"anyOf":[{"type":"number","format":"double"},{"type":"string","enum":["NaN","Infinity","-Infinity"]}]}""", logMetric["value"]!.ToJsonString(Relaxed));
        Assert.Equal("""{"anyOf":[{"type":"integer","format":"int64"},{"type":"string","pattern":"^-?[0-9]+$"},{"type":"null"}],"default":0}""", logMetric["step"]!.ToJsonString(Relaxed));
        Assert.Equal("""{"type":["string","null"]}""", logMetric["run_id"]!.ToJsonString(Relaxed));
        Assert.Equal(["key", "value", "timestamp"], schemas["LogMetric"]!["required"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("""{"anyOf":[{"$ref":"#/components/schemas/ViewType"},{"type":"null"}],"default":"ACTIVE_ONLY"}""", schemas["SearchExperiments"]!["properties"]!["view_type"]!.ToJsonString(Relaxed));
        // Responses and nested messages keep their plain shapes (no null there: MLflow omits unset fields).
        Assert.Equal("""{"type":"string"}""", schemas["Experiment"]!["properties"]!["name"]!.ToJsonString(Relaxed));
        Assert.Equal("""{"type":"object","additionalProperties":{"anyOf":[{"type":"number","format":"double"},{"type":"string","enum":["NaN","Infinity","-Infinity"]}]}}""",
            schemas["LoggedModel"]!["properties"]!["metrics_by_key"]!.ToJsonString(Relaxed));
        Assert.Equal("value", (string)schemas["Assessment"]!["properties"]!["feedback"]!["x-mlflow-oneof"]!);
        Assert.Equal("""{"type":"string","format":"date-time"}""", schemas["Assessment"]!["properties"]!["create_time"]!.ToJsonString(Relaxed));
        Assert.Equal(["STATUS_UNSPECIFIED", "PENDING", "READY"], schemas["LoggedModelStatus"]!["enum"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void A_previous_spec_keeps_first_releases_and_marks_new_operations()
    {
        var previous = new SpecBuilder(ProtoStore.Load(Protos("mlflow-1x-style")), Catalog.Load(Path.Combine(AppContext.BaseDirectory, "spec-sources", "mlflow-endpoints.tsv")), EmptyOverlay()).Build();
        var builder = new SpecBuilder(ProtoStore.Load(Protos("mlflow-3x-style")), null, EmptyOverlay(), new SpecOptions(previous, "3.0.0"));
        var spec = builder.Build();
        var ops = spec["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).ToDictionary(o => (string)o.Value!["operationId"]!, o => o.Value!);
        Assert.Equal("1.0.0", (string)ops["createExperiment"]["x-mlflow-since"]!);     // kept from the previous spec
        Assert.Equal("3.0.0", (string)ops["searchLoggedModels"]["x-mlflow-since"]!);   // new in this version
        Assert.Equal("3.0", (string)spec["info"]!["version"]!);
        Assert.Empty(builder.Notes);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static Overlay EmptyOverlay()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "empty-overlay");
        Directory.CreateDirectory(dir);
        return Overlay.Load(dir);
    }
}
