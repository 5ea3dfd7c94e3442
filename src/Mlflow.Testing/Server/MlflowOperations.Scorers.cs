namespace Mlflow.Testing.Server;

/// <summary>
/// Scorers registered to an experiment (MLflow 3 GenAI evaluation): register a new version, list the latest of each,
/// list versions, get, delete. Scheduling (online scoring) and invoking need a judge model and stay 501.
/// </summary>
internal sealed partial class MlflowOperations
{
    private const string CustomScorerMessage =
        "Custom scorer registration (using @scorer decorator) is not supported outside of Databricks tracking environments due to security concerns. " +
        "Custom scorers require arbitrary code execution during deserialization.\n\nTo use custom scorers:\n" +
        "1. Configure MLflow to use a Databricks tracking URI, or\n" +
        "2. Manage your custom scorer code in a source code repository (e.g., GitHub) and import it directly, or\n" +
        "3. Use built-in scorers or make_judge() scorers instead.";

    private DocumentSet<ScorerEntity> Scorers => state.Documents<ScorerEntity>("scorer", s => s.Id);

    public override Task<ActionResult<G.RegisterScorerResponse>> RegisterScorerAsync(G.RegisterScorer? body)
    {
        var experimentId = MlflowError.Required(body?.Experiment_id, "experiment_id");
        var name = MlflowError.Required(body!.Name, "name");
        var serialized = MlflowError.Required(body.Serialized_scorer, "serialized_scorer");
        JsonObject parsed;
        try
        {
            parsed = JsonNode.Parse(serialized) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowError.InvalidParameter("Invalid value for parameter 'serialized_scorer' supplied: it must be a JSON object.");
        }
        // A decorator scorer carries its Python source: MLflow refuses to store code outside Databricks.
        if (parsed["call_source"] is JsonValue source && source.GetValueKind() == JsonValueKind.String) throw MlflowError.InvalidParameter(CustomScorerMessage);
        return Write(() =>
        {
            var experiment = FindExperiment(experimentId);
            RequireActiveExperiment(experiment);
            var scorer = FindScorer(experiment.Id, name);
            if (scorer is null)
            {
                scorer = new ScorerEntity { Id = Guid.NewGuid().ToString("D"), ExperimentId = experiment.Id, Name = name };
                Scorers.Add(scorer);
            }
            var version = new ScorerVersionEntity(scorer.Versions.Select(v => v.Version).DefaultIfEmpty(0).Max() + 1, serialized, Now());
            scorer.Versions.Add(version);
            Scorers.Touch(scorer);
            return new G.RegisterScorerResponse
            {
                Version = version.Version,
                Scorer_id = scorer.Id,
                Experiment_id = experiment.Id,
                Name = name,
                Serialized_scorer = serialized,
                Creation_time = version.CreationTime,
            };
        });
    }

    public override Task<ActionResult<G.ListScorersResponse>> ListScorersAsync(string? experiment_id) => Read(() =>
    {
        var experiment = ActiveExperiment(experiment_id);
        return new G.ListScorersResponse
        {
            Scorers = Scorers.Values
                .Where(s => s.ExperimentId == experiment.Id && s.Versions.Count > 0)
                .OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => ToDto(s, s.Versions.MaxBy(v => v.Version)!))
                .ToList(),
        };
    });

    public override Task<ActionResult<G.ListScorerVersionsResponse>> ListScorerVersionsAsync(string? experiment_id, string? name) => Read(() =>
    {
        var experiment = ActiveExperiment(experiment_id);
        var scorer = RequireScorer(experiment.Id, MlflowError.Required(name, "name"));
        if (scorer.Versions.Count == 0) throw ScorerNotFound(name!, experiment.Id);
        return new G.ListScorerVersionsResponse { Scorers = scorer.Versions.OrderBy(v => v.Version).Select(v => ToDto(scorer, v)).ToList() };
    });

    public override Task<ActionResult<G.GetScorerResponse>> GetScorerAsync(string? experiment_id, string? name, int? version) => Read(() =>
    {
        var experiment = ActiveExperiment(experiment_id);
        var scorer = RequireScorer(experiment.Id, MlflowError.Required(name, "name"));
        var found = version is { } wanted
            ? scorer.Versions.FirstOrDefault(v => v.Version == wanted) ?? throw ScorerNotFound(name!, experiment.Id, wanted)
            : scorer.Versions.MaxBy(v => v.Version) ?? throw ScorerNotFound(name!, experiment.Id);
        return new G.GetScorerResponse { Scorer = ToDto(scorer, found) };
    });

    public override Task<ActionResult<G.DeleteScorerResponse>> DeleteScorerAsync(G.DeleteScorer? body) => Write(() =>
    {
        var experiment = ActiveExperiment(body?.Experiment_id);
        var name = MlflowError.Required(body!.Name, "name");
        var scorer = RequireScorer(experiment.Id, name);
        if (body.Version is { } version)
        {
            if (scorer.Versions.RemoveAll(v => v.Version == version) == 0) throw ScorerNotFound(name, experiment.Id, version);
            Scorers.Touch(scorer);
        }
        else
        {
            // All versions go, and the scorer with them.
            Scorers.Remove(scorer.Id);
        }
        return new G.DeleteScorerResponse();
    });

    private ExperimentEntity ActiveExperiment(string? id)
    {
        var experiment = FindExperiment(MlflowError.Required(id, "experiment_id"));
        RequireActiveExperiment(experiment);
        return experiment;
    }

    private ScorerEntity? FindScorer(string experimentId, string name) =>
        Scorers.Values.FirstOrDefault(s => s.ExperimentId == experimentId && s.Name == name);

    private ScorerEntity RequireScorer(string experimentId, string name) => FindScorer(experimentId, name) ?? throw ScorerNotFound(name, experimentId);

    private static MlflowError ScorerNotFound(string name, string experimentId, int? version = null) => version is { } v
        ? MlflowError.NotFound($"Scorer with name '{name}' and version {v} not found for experiment {experimentId}.")
        : MlflowError.NotFound($"Scorer with name '{name}' not found for experiment {experimentId}.");

    private static G.Scorer ToDto(ScorerEntity s, ScorerVersionEntity v) => new()
    {
        Experiment_id = int.Parse(s.ExperimentId, CultureInfo.InvariantCulture),
        Scorer_name = s.Name,
        Scorer_version = v.Version,
        Serialized_scorer = v.Serialized,
        Creation_time = v.CreationTime,
        Scorer_id = s.Id,
    };
}
