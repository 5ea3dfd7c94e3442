using System.Text;
using Mlflow.Contract.Tests.Infrastructure;

namespace Mlflow.Contract.Tests.Wire;

/// <summary>Logged models (MLflow 3) on the wire: lifecycle, tags and params, search, metrics linked through runs, artifacts.</summary>
public sealed class LoggedModelWireTests(TrackingServer server) : WireContract(server)
{
    private async Task<string> NewModel(string experimentId, string name, string? sourceRun = null, params (string Key, string Value)[] parameters) =>
        (string)(await Ok(Http.PostAsync("/api/2.0/mlflow/logged-models", new
        {
            experiment_id = experimentId,
            name,
            model_type = "agent",
            source_run_id = sourceRun,
            @params = parameters.Select(p => new { key = p.Key, value = p.Value }),
        })))["model"]!["info"]!["model_id"]!;

    private Task<System.Text.Json.Nodes.JsonNode> Search(object body) => Ok(Http.PostAsync("/api/2.0/mlflow/logged-models/search", body));

    [Fact]
    public async Task Create_get_finalize_tag_param_and_delete()
    {
        var experiment = await NewExperiment("wire-lm");
        var run = await NewRun(experiment);
        var created = await Ok(Http.PostAsync("/api/2.0/mlflow/logged-models", new
        {
            experiment_id = experiment,
            name = "agent",
            model_type = "agent",
            source_run_id = run,
            @params = new[] { new { key = "temperature", value = "0.1" } },
            tags = new[] { new { key = "owner", value = "sdk" } },
        }));
        var info = created["model"]!["info"]!;
        var id = (string)info["model_id"]!;
        Assert.StartsWith("m-", id);
        Assert.Equal("LOGGED_MODEL_PENDING", (string?)info["status"]);
        Assert.EndsWith($"/models/{id}/artifacts", (string)info["artifact_uri"]!);
        Assert.Equal(run, (string?)info["source_run_id"]);

        var ready = await Ok(Http.PatchAsync($"/api/2.0/mlflow/logged-models/{id}", new { model_id = id, status = "LOGGED_MODEL_READY" }));
        Assert.Equal("LOGGED_MODEL_READY", (string?)ready["model"]!["info"]!["status"]);
        await Ok(Http.PatchAsync($"/api/2.0/mlflow/logged-models/{id}/tags", new { tags = new[] { new { key = "env", value = "test" }, new { key = "tmp", value = "1" } } }));
        await Ok(Http.DeleteAsync($"/api/2.0/mlflow/logged-models/{id}/tags/tmp"));
        Assert.Equal($"No tag with key 'nope' found for model with ID '{id}'.",
            await Fails(Http.DeleteAsync($"/api/2.0/mlflow/logged-models/{id}/tags/nope"), 404, "RESOURCE_DOES_NOT_EXIST"));
        await Ok(Http.PostAsync($"/api/2.0/mlflow/logged-models/{id}/params", new { model_id = id, @params = new[] { new { key = "top_p", value = "0.9" } } }));

        var model = (await Ok(Http.GetAsync($"/api/2.0/mlflow/logged-models/{id}")))["model"]!;
        Assert.Equal(["env", "owner"], Items(model["info"], "tags").Select(t => (string)t["key"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["temperature", "top_p"], Items(model["data"], "params").Select(p => (string)p["key"]!).Order(StringComparer.Ordinal));

        await Ok(Http.DeleteAsync($"/api/2.0/mlflow/logged-models/{id}"));
        Assert.Equal($"Logged model with ID '{id}' not found.", await Fails(Http.GetAsync($"/api/2.0/mlflow/logged-models/{id}"), 404, "RESOURCE_DOES_NOT_EXIST"));
        Assert.Empty(Items(await Search(new { experiment_ids = new[] { experiment } }), "models"));
        await Fails(Http.PostAsync("/api/2.0/mlflow/logged-models", new { experiment_id = "987654321" }), 404, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Search_filters_orders_and_pages_with_mlflows_tokens()
    {
        var experiment = await NewExperiment("wire-lm-search");
        // A few milliseconds apart: creation time orders them.
        var first = await NewModel(experiment, "alpha", parameters: ("size", "small"));
        await Task.Delay(5);
        var second = await NewModel(experiment, "beta", parameters: ("size", "large"));
        await Task.Delay(5);
        var third = await NewModel(experiment, "gamma", parameters: ("size", "small"));

        // Newest first by default; pages of one follow the token to the end.
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await Search(new { experiment_ids = new[] { experiment }, max_results = 1, order_by = new[] { new { field_name = "creation_time", ascending = false } }, page_token = token });
            ids.AddRange(Items(page, "models").Select(m => (string)m["info"]!["model_id"]!));
            token = (string?)page["next_page_token"];
        }
        while (token is not null);
        Assert.Equal([third, second, first], ids);

        var byName = await Search(new { experiment_ids = new[] { experiment }, filter = "name = 'beta'" });
        Assert.Equal([second], Items(byName, "models").Select(m => (string)m["info"]!["model_id"]!));
        var byParam = await Search(new { experiment_ids = new[] { experiment }, filter = "params.size = 'small'", order_by = new[] { new { field_name = "name", ascending = true } } });
        Assert.Equal([first, third], Items(byParam, "models").Select(m => (string)m["info"]!["model_id"]!));
        var byLike = await Search(new { experiment_ids = new[] { experiment }, filter = "name LIKE '%a' AND name != 'beta'", order_by = new[] { new { field_name = "name", ascending = false } } });
        Assert.Equal([third, first], Items(byLike, "models").Select(m => (string)m["info"]!["model_id"]!));

        Assert.Equal("Invalid comparison operator for attributes.name: '==='. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN').",
            await Fails(Http.PostAsync("/api/2.0/mlflow/logged-models/search", new { experiment_ids = new[] { experiment }, filter = "name === 'x'" }), 400, "INVALID_PARAMETER_VALUE"));
        // A token belongs to its query: another filter with it is refused.
        var page1 = await Search(new { experiment_ids = new[] { experiment }, max_results = 1 });
        await Fails(Http.PostAsync("/api/2.0/mlflow/logged-models/search", new { experiment_ids = new[] { experiment }, max_results = 1, filter = "name = 'beta'", page_token = (string)page1["next_page_token"]! }), 400, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Metrics_logged_with_a_model_id_belong_to_the_model_and_are_searchable()
    {
        var experiment = await NewExperiment("wire-lm-metrics");
        var run = await NewRun(experiment);
        var good = await NewModel(experiment, "good", run);
        var bad = await NewModel(experiment, "bad", run);
        var now = Now();
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "accuracy", value = 0.9, timestamp = now, step = 0, model_id = good, dataset_name = "eval", dataset_digest = "d1" }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = run,
            metrics = new[] { new { key = "accuracy", value = 0.4, timestamp = now, step = 0L, model_id = bad, dataset_name = "eval", dataset_digest = "d1" } },
        }));

        var metric = Items((await Ok(Http.GetAsync($"/api/2.0/mlflow/logged-models/{good}")))["model"]!["data"], "metrics").Single();
        Assert.Equal(("accuracy", 0.9, run, "eval"), ((string)metric["key"]!, (double)metric["value"]!, (string)metric["run_id"]!, (string)metric["dataset_name"]!));
        var above = await Search(new { experiment_ids = new[] { experiment }, filter = "metrics.accuracy > 0.5" });
        Assert.Equal([good], Items(above, "models").Select(m => (string)m["info"]!["model_id"]!));
        var ordered = await Search(new { experiment_ids = new[] { experiment }, order_by = new[] { new { field_name = "metrics.accuracy", ascending = true } } });
        Assert.Equal([bad, good], Items(ordered, "models").Select(m => (string)m["info"]!["model_id"]!));
        var onDataset = await Search(new { experiment_ids = new[] { experiment }, datasets = new[] { new { dataset_name = "other" } } });
        Assert.Empty(Items(onDataset, "models"));
    }

    [Fact]
    public async Task Artifacts_under_the_model_root_are_listed_and_served()
    {
        var experiment = await NewExperiment("wire-lm-artifacts");
        var id = await NewModel(experiment, "with-files");
        var model = (await Ok(Http.GetAsync($"/api/2.0/mlflow/logged-models/{id}")))["model"]!;
        var root = ((string)model["info"]!["artifact_uri"]!)["mlflow-artifacts:/".Length..];
        await Ok(Http.SendAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{root}/MLmodel", Encoding.UTF8.GetBytes("artifact_path: model\n"), "application/octet-stream"));
        await Ok(Http.SendAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{root}/code/agent.py", Encoding.UTF8.GetBytes("print('agent')\n"), "application/octet-stream"));

        var top = await Ok(Http.GetAsync($"/api/2.0/mlflow/logged-models/{id}/artifacts/directories"));
        Assert.Equal((string)model["info"]!["artifact_uri"]!, (string?)top["root_uri"]);
        Assert.Equal([("MLmodel", false), ("code", true)], Items(top, "files").Select(f => ((string)f["path"]!, (bool?)f["is_dir"] ?? false)).OrderBy(f => f.Item1, StringComparer.Ordinal));
        var code = await Ok(Http.GetAsync($"/api/2.0/mlflow/logged-models/{id}/artifacts/directories?artifact_directory_path=code"));
        Assert.Equal(["code/agent.py"], Items(code, "files").Select(f => (string)f["path"]!));

        var file = await Http.GetAsync($"/ajax-api/2.0/mlflow/logged-models/{id}/artifacts/files?artifact_file_path=code/agent.py");
        Assert.Equal(200, file.Status);
        Assert.Equal("print('agent')\n", file.Text);
    }
}
