using System.Reflection;
using System.Text.Json;
using Mlflow.Testing.Generated;
using Mlflow.Testing.Server;
using Mlflow.Testing.Store;

namespace Mlflow.Testing.Tests;

/// <summary>The generated operations base, the public surface of the package, and the storage layer.</summary>
public sealed class OperationsAndStorageTests
{
    [Fact]
    public void Implemented_operations_are_exactly_the_overrides_of_the_generated_base()
    {
        var overrides = typeof(MlflowOperations).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType == typeof(MlflowOperationsBase))
            .Select(m => MlflowOperationsBase.OperationIds[m.Name])
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(overrides, MlflowTestServer.ImplementedOperations);
        Assert.Equal(MlflowOperationsBase.OperationIds.Count, MlflowTestServer.AllOperations.Count);
        Assert.Subset(MlflowTestServer.AllOperations.ToHashSet(), MlflowTestServer.ImplementedOperations.ToHashSet());
        // Every virtual of the base is an operation, and every one is routed by the generated controller.
        var virtuals = typeof(MlflowOperationsBase).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => m.IsVirtual).Select(m => m.Name).ToHashSet();
        Assert.True(virtuals.SetEquals(MlflowOperationsBase.OperationIds.Keys));
        var actions = typeof(MlflowController).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name + "Async").ToHashSet();
        Assert.True(actions.SetEquals(virtuals));
    }

    [Fact]
    public void The_package_exports_only_the_server_and_its_options()
    {
        var exported = typeof(MlflowTestServer).Assembly.GetExportedTypes().Select(t => t.FullName).Order(StringComparer.Ordinal);
        Assert.Equal(["Mlflow.Testing.MlflowTestServer", "Mlflow.Testing.MlflowTestServerOptions"], exported);
    }

    [Fact]
    public async Task An_operation_without_a_handler_answers_501_naming_it()
    {
        await using var server = new MlflowTestServer();
        using var http = new TestHttp(await server.StartAsync());
        var answer = await http.Get("/api/3.0/mlflow/gateway/endpoints/list");
        Assert.Equal(501, answer.Status);
        Assert.Equal("NOT_IMPLEMENTED", answer.ErrorCode);
        Assert.Equal("The embedded MLflow test server does not implement listGatewayEndpoints.", (string?)answer.Json!["message"]);
    }

    [Fact]
    public void Sqlite_store_applies_a_request_atomically_and_loads_what_it_kept()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "state.db");
        using (var store = new SqliteStateStore(file))
        {
            store.Apply([new StoreChange.Put("thing", "1", "{\"a\":1}"), new StoreChange.Append("point", "1", "[1]"), new StoreChange.Append("point", "1", "[2]")]);
            store.Apply([new StoreChange.Put("thing", "1", "{\"a\":2}"), new StoreChange.Put("thing", "2", "{\"a\":3}")]);
            store.Apply([new StoreChange.Remove("thing", "2"), new StoreChange.Append("point", "2", "[3]"), new StoreChange.RemoveRows("point", "2")]);
            // A change that fails half way leaves nothing: the Put before the failing change is rolled back.
            Assert.ThrowsAny<Exception>(() => store.Apply([new StoreChange.Put("thing", "3", "{}"), new StoreChange.Put("thing", null!, "{}")]));
        }
        using var reopened = new SqliteStateStore(file);
        Assert.Equal([("1", "{\"a\":2}")], reopened.LoadDocuments("thing"));
        Assert.Equal([("1", "[1]"), ("1", "[2]")], reopened.LoadRows("point"));
    }

    [Fact]
    public void Document_sets_write_touched_entities_at_commit_and_forget_them_on_discard()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "state.db");
        using (var state = new ServerState(new SqliteStateStore(file)))
        {
            var set = state.Documents<ExperimentEntity>("experiment", e => e.Id);
            var experiment = new ExperimentEntity { Id = "1", Name = "first", ArtifactLocation = "x" };
            set.Add(experiment);
            experiment.Tags.Set("b", "2");
            experiment.Tags.Set("a", "1");
            state.Commit();
            experiment.Name = "changed but failed";
            set.Touch(experiment);
            state.Discard();
            var rows = state.Rows<MetricPoint>("metric");
            rows.Append("run", new MetricPoint("loss", double.NaN, 1, 0));
            rows.Append("run", new MetricPoint("loss", 0.5, 2, 1));
            rows.Append("other", new MetricPoint("acc", 1, 1, 0));
            state.Commit();
        }
        using var reloaded = new ServerState(new SqliteStateStore(file));
        var loaded = Assert.Single(reloaded.Documents<ExperimentEntity>("experiment", e => e.Id).Values);
        Assert.Equal("first", loaded.Name);
        Assert.Equal([new KeyValuePair<string, string>("b", "2"), new("a", "1")], loaded.Tags.Items);
        var points = new List<(string Owner, MetricPoint Point)>();
        reloaded.Rows<MetricPoint>("metric", (owner, point) => points.Add((owner, point)));
        Assert.Equal(["run", "run", "other"], points.Select(p => p.Owner));
        Assert.True(double.IsNaN(points[0].Point.Value));
        Assert.Equal(0.5, points[1].Point.Value);
    }

    [Theory]
    [InlineData("{\"maxResults\": 1}", true)]
    [InlineData("{\"run_id\":\"a\",\"metrics\":[{\"key\":\"m\"}]}", false)]
    [InlineData("{\"key\":\"notAKey\"}", false)]
    [InlineData("{\"a\":{\"pageToken\"\n : \"x\"}}", true)]
    [InlineData("{\"Upper\": 1, \"snake_case\": 2}", false)]
    public void Camel_case_keys_are_found_on_the_bytes(string json, bool expected) =>
        Assert.Equal(expected, CamelCaseRequestMiddleware.HasCamelKey(System.Text.Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Tag_maps_keep_their_order_in_json()
    {
        var map = new TagMap();
        map.Set("z", "1");
        map.Set("a", "2");
        map.Set("z", "3");
        var json = JsonSerializer.Serialize(map, ServerState.Json);
        Assert.Equal("{\"z\":\"3\",\"a\":\"2\"}", json);
        Assert.Equal(map.Items, JsonSerializer.Deserialize<TagMap>(json, ServerState.Json)!.Items);
    }

    [Fact]
    public void Mlflow_name_rules_match_posix_normalisation()
    {
        Assert.Equal("a/b", Validation.NormalizePosix("a/./b"));
        Assert.Equal("../up", Validation.NormalizePosix("../up"));
        Assert.Equal("/x", Validation.NormalizePosix("/x/"));
        Assert.Equal("a", Validation.NormalizePosix("a/b/.."));
        Assert.Equal(".", Validation.NormalizePosix(""));
        Assert.Equal("val/loss: epoch-1", Validation.Name("val/loss: epoch-1", "key"));
        Assert.Throws<MlflowError>(() => Validation.Name("a//b", "key"));
        Assert.Throws<MlflowError>(() => Validation.Name("trailing/", "key"));
        Assert.Equal("\"caf\\u00e9 \\\"x\\\"\"", Validation.PythonJson("café \"x\""));
    }
}
