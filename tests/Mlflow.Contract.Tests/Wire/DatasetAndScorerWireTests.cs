using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;

namespace Mlflow.Contract.Tests.Wire;

/// <summary>Evaluation datasets and scorers (MLflow 3 GenAI) on the wire.</summary>
public sealed class DatasetAndScorerWireTests(TrackingServer server) : WireContract(server)
{
    [Fact]
    public async Task Evaluation_datasets_have_tags_experiments_and_are_searched()
    {
        var experiment = await NewExperiment("wire-eval");
        var other = await NewExperiment("wire-eval-other");
        var prefix = TrackingServer.Unique("wire-eval-ds");
        var created = (await Ok(Http.PostAsync("/api/3.0/mlflow/datasets/create", new { name = $"{prefix}-a", experiment_ids = new[] { experiment }, tags = "{\"team\": \"sdk\", \"stage\": \"dev\"}" })))["dataset"]!;
        var id = (string)created["dataset_id"]!;
        Assert.StartsWith("d-", id);
        Assert.Equal([experiment], Items(created, "experiment_ids").Select(e => (string)e!));
        Assert.Equal(8, ((string)created["digest"]!).Length);
        await Ok(Http.PostAsync("/api/3.0/mlflow/datasets/create", new { name = $"{prefix}-b", experiment_ids = new[] { experiment } }));
        Assert.Contains("'name'", await Fails(Http.PostAsync("/api/3.0/mlflow/datasets/create", new { experiment_ids = new[] { experiment } }), 400, "INVALID_PARAMETER_VALUE"));

        // Tags merge key by key; a deleted tag goes.
        await Ok(Http.PatchAsync($"/api/3.0/mlflow/datasets/{id}/tags", new { tags = "{\"stage\": \"prod\", \"owner\": \"wire\"}" }));
        await Ok(Http.DeleteAsync($"/api/3.0/mlflow/datasets/{id}/tags/owner"));
        var tags = JsonNode.Parse((string)(await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}")))["dataset"]!["tags"]!)!.AsObject();
        Assert.Equal(new Dictionary<string, string> { ["team"] = "sdk", ["stage"] = "prod" }, tags.ToDictionary(t => t.Key, t => (string)t.Value!));

        await Ok(Http.PostAsync($"/api/3.0/mlflow/datasets/{id}/add-experiments", new { experiment_ids = new[] { other } }));
        Assert.Equal([experiment, other], Items(await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}/experiment-ids")), "experiment_ids").Select(e => (string)e!).Order());
        await Ok(Http.PostAsync($"/api/3.0/mlflow/datasets/{id}/remove-experiments", new { experiment_ids = new[] { other } }));
        Assert.Equal([experiment], Items(await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}/experiment-ids")), "experiment_ids").Select(e => (string)e!));

        var page1 = await Ok(Http.PostAsync("/api/3.0/mlflow/datasets/search", new { experiment_ids = new[] { experiment }, max_results = 1, order_by = new[] { "name ASC" } }));
        Assert.Equal([$"{prefix}-a"], Items(page1, "datasets").Select(d => (string)d["name"]!));
        var page2 = await Ok(Http.PostAsync("/api/3.0/mlflow/datasets/search", new { experiment_ids = new[] { experiment }, max_results = 1, order_by = new[] { "name ASC" }, page_token = (string)page1["next_page_token"]! }));
        Assert.Equal([$"{prefix}-b"], Items(page2, "datasets").Select(d => (string)d["name"]!));
        var filtered = await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/search?experiment_ids={experiment}&filter_string={Q($"name = '{prefix}-b'")}"));
        Assert.Equal([$"{prefix}-b"], Items(filtered, "datasets").Select(d => (string)d["name"]!));

        await Ok(Http.DeleteAsync($"/api/3.0/mlflow/datasets/{id}"));
        Assert.Equal($"Evaluation dataset with id '{id}' not found", await Fails(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}"), 404, "RESOURCE_DOES_NOT_EXIST"));
    }

    [Fact]
    public async Task Records_are_upserted_by_their_inputs_and_paged()
    {
        var experiment = await NewExperiment("wire-records");
        var dataset = (await Ok(Http.PostAsync("/api/3.0/mlflow/datasets/create", new { name = TrackingServer.Unique("wire-records-ds"), experiment_ids = new[] { experiment } })))["dataset"]!;
        var id = (string)dataset["dataset_id"]!;
        var records = new JsonArray(
            new JsonObject { ["inputs"] = new JsonObject { ["question"] = "What is MLflow?" }, ["expectations"] = new JsonObject { ["answer"] = "A platform" } },
            new JsonObject { ["inputs"] = new JsonObject { ["question"] = "What is a run?" }, ["expectations"] = new JsonObject { ["answer"] = "One execution" } },
            new JsonObject { ["inputs"] = new JsonObject { ["question"] = "What is a trace?", ["n"] = 1 }, ["outputs"] = new JsonObject { ["answer"] = "A record" } });
        await Task.Delay(5); // the digest covers the last update time (in milliseconds)
        var first = await Ok(Http.PostAsync($"/api/3.0/mlflow/datasets/{id}/records", new { records = records.ToJsonString() }));
        Assert.Equal((3, 0), ((int)first["inserted_count"]!, (int?)first["updated_count"] ?? 0));
        var again = new JsonArray(new JsonObject { ["inputs"] = new JsonObject { ["question"] = "What is MLflow?" }, ["expectations"] = new JsonObject { ["source"] = "docs" } });
        var second = await Ok(Http.PostAsync($"/api/3.0/mlflow/datasets/{id}/records", new { records = again.ToJsonString() }));
        Assert.Equal((0, 1), ((int?)second["inserted_count"] ?? 0, (int)second["updated_count"]!));

        var after = (await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}")))["dataset"]!;
        Assert.NotEqual((string)dataset["digest"]!, (string)after["digest"]!);
        Assert.Equal(3, (int)JsonNode.Parse((string)after["profile"]!)!["num_records"]!);
        var schema = JsonNode.Parse((string)after["schema"]!)!;
        Assert.Equal("string", (string?)schema["inputs"]!["question"]);
        Assert.Equal("integer", (string?)schema["inputs"]!["n"]);

        var pageOne = await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}/records?max_results=2"));
        var got = JsonNode.Parse((string)pageOne["records"]!)!.AsArray().ToList();
        var pageTwo = await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}/records?max_results=2&page_token={Q((string)pageOne["next_page_token"]!)}"));
        got.AddRange(JsonNode.Parse((string)pageTwo["records"]!)!.AsArray());
        Assert.Null(pageTwo["next_page_token"]);
        Assert.Equal(3, got.Count);
        var merged = got.Single(r => (string?)r!["inputs"]!["question"] == "What is MLflow?")!;
        Assert.Equal(("A platform", "docs"), ((string)merged["expectations"]!["answer"]!, (string)merged["expectations"]!["source"]!));

        var run = got.Single(r => (string?)r!["inputs"]!["question"] == "What is a run?")!;
        var deleted = await Ok(Http.DeleteAsync($"/api/3.0/mlflow/datasets/{id}/records", new { dataset_record_ids = new[] { (string)run["dataset_record_id"]! } }));
        Assert.Equal(1, (int)deleted["deleted_count"]!);
        var left = JsonNode.Parse((string)(await Ok(Http.GetAsync($"/api/3.0/mlflow/datasets/{id}/records")))["records"]!)!.AsArray();
        Assert.Equal(2, left.Count);
    }

    [Fact]
    public async Task Scorers_are_versioned_per_name_listed_got_and_deleted()
    {
        var experiment = await NewExperiment("wire-scorers");
        string Serialized(string name, params string[] guidelines) => new JsonObject
        {
            ["name"] = name,
            ["aggregations"] = null,
            ["description"] = null,
            ["mlflow_version"] = "3.11.2",
            ["serialization_version"] = 1,
            ["builtin_scorer_class"] = "Guidelines",
            ["builtin_scorer_pydantic_data"] = new JsonObject { ["name"] = name, ["required_columns"] = new JsonArray("inputs", "outputs"), ["guidelines"] = new JsonArray(guidelines.Select(g => (JsonNode?)g).ToArray()), ["model"] = null },
            ["call_source"] = null,
            ["call_signature"] = null,
            ["original_func_name"] = null,
        }.ToJsonString();

        var v1 = await Ok(Http.PostAsync("/api/3.0/mlflow/scorers/register", new { experiment_id = experiment, name = "concise", serialized_scorer = Serialized("concise", "Be concise.") }));
        var v2 = await Ok(Http.PostAsync("/api/3.0/mlflow/scorers/register", new { experiment_id = experiment, name = "concise", serialized_scorer = Serialized("concise", "Be concise.", "Be polite.") }));
        await Ok(Http.PostAsync("/api/3.0/mlflow/scorers/register", new { experiment_id = experiment, name = "accurate", serialized_scorer = Serialized("accurate", "Be right.") }));
        Assert.Equal((1, 2), ((int)v1["version"]!, (int)v2["version"]!));
        Assert.Equal((string)v1["scorer_id"]!, (string)v2["scorer_id"]!);

        var listed = Items(await Ok(Http.GetAsync($"/api/3.0/mlflow/scorers/list?experiment_id={experiment}")), "scorers");
        Assert.Equal([("accurate", 1), ("concise", 2)], listed.Select(s => ((string)s["scorer_name"]!, (int)s["scorer_version"]!)));
        var versions = Items(await Ok(Http.GetAsync($"/api/3.0/mlflow/scorers/versions?experiment_id={experiment}&name=concise")), "scorers");
        Assert.Equal([1, 2], versions.Select(s => (int)s["scorer_version"]!));
        var one = (await Ok(Http.GetAsync($"/api/3.0/mlflow/scorers/get?experiment_id={experiment}&name=concise&version=1")))["scorer"]!;
        Assert.Equal(Serialized("concise", "Be concise."), (string?)one["serialized_scorer"]);
        Assert.Equal(2, (int)(await Ok(Http.GetAsync($"/api/3.0/mlflow/scorers/get?experiment_id={experiment}&name=concise")))["scorer"]!["scorer_version"]!);
        Assert.Equal($"Scorer with name 'nope' not found for experiment {experiment}.",
            await Fails(Http.GetAsync($"/api/3.0/mlflow/scorers/get?experiment_id={experiment}&name=nope"), 404, "RESOURCE_DOES_NOT_EXIST"));

        await Ok(Http.DeleteAsync("/api/3.0/mlflow/scorers/delete", new { experiment_id = experiment, name = "concise", version = 1 }));
        Assert.Equal([2], Items(await Ok(Http.GetAsync($"/api/3.0/mlflow/scorers/versions?experiment_id={experiment}&name=concise")), "scorers").Select(s => (int)s["scorer_version"]!));
        await Ok(Http.DeleteAsync("/api/3.0/mlflow/scorers/delete", new { experiment_id = experiment, name = "concise" }));
        Assert.Equal(["accurate"], Items(await Ok(Http.GetAsync($"/api/3.0/mlflow/scorers/list?experiment_id={experiment}")), "scorers").Select(s => (string)s["scorer_name"]!));

        var custom = await Fails(Http.PostAsync("/api/3.0/mlflow/scorers/register", new { experiment_id = experiment, name = "custom", serialized_scorer = "{\"name\": \"custom\", \"call_source\": \"return 1\"}" }), 400, "INVALID_PARAMETER_VALUE");
        Assert.StartsWith("Custom scorer registration (using @scorer decorator) is not supported", custom);
        await Fails(Http.PostAsync("/api/3.0/mlflow/scorers/register", new { experiment_id = experiment, serialized_scorer = Serialized("x") }), 400, "INVALID_PARAMETER_VALUE");
    }
}
