using Microsoft.AspNetCore.Http;
using Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>
/// The operations the embedded server implements. The generated <see cref="MlflowOperationsBase"/> has one virtual
/// method per operation of the spec (answering 501 <c>NOT_IMPLEMENTED</c>); each area's partial file of this class
/// overrides the ones it implements, so a handler that does not match an operation's name and parameter types does not
/// compile. Handlers run their work through <see cref="Read{T}"/> or <see cref="Write{T}"/>: one lock guards the
/// whole state (requests are short and the server is for tests), and a write's recorded changes reach the store in
/// one transaction before the answer is sent.
/// </summary>
internal sealed partial class MlflowOperations : MlflowOperationsBase
{
    private readonly TimeProvider clock;
    private readonly IHttpContextAccessor http;
    private readonly WebhookDispatcher webhooks;
    private readonly ServerState state;
    private readonly ArtifactStore artifactStore;
    private readonly List<Action> afterCommit = [];

    public MlflowOperations(MlflowTestServerOptions options, IHttpContextAccessor http, WebhookDispatcher webhooks, ServerState state, ArtifactStore artifacts)
    {
        clock = options.TimeProvider;
        this.http = http;
        this.webhooks = webhooks;
        this.state = state;
        artifactStore = artifacts;
        InitializeArtifacts(options);
        Write(EnsureDefaultExperiment);
    }

    /// <summary>The spec operationIds this class overrides, sorted.</summary>
    public static IReadOnlyList<string> ImplementedOperationIds { get; } = typeof(MlflowOperations)
        .GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
        .Where(m => m.GetBaseDefinition().DeclaringType == typeof(MlflowOperationsBase))
        .Select(m => OperationIds[m.Name])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>Every operationId of the spec, sorted.</summary>
    public static IReadOnlyList<string> AllOperationIds { get; } = OperationIds.Values.Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    protected override Exception NotImplemented(string operationId) =>
        MlflowError.NotImplemented($"The embedded MLflow test server does not implement {operationId}.");

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs a read under the state lock and answers its result.</summary>
    private Task<ActionResult<T>> Read<T>(Func<T> read) => Task.FromResult(new ActionResult<T>(ReadNow(read)));

    /// <summary>
    /// Runs a change under the state lock and commits what it recorded to the store (one transaction) before the
    /// answer is written. A handler validates before it changes anything, so a failed request leaves no trace; what
    /// it recorded before throwing is discarded.
    /// </summary>
    private Task<ActionResult<T>> Write<T>(Func<T> change)
    {
        lock (state.Gate)
        {
            T result;
            try
            {
                result = change();
            }
            catch
            {
                state.Discard();
                afterCommit.Clear();
                throw;
            }
            try
            {
                state.Commit();
                foreach (var action in afterCommit) action();
            }
            finally
            {
                afterCommit.Clear();
            }
            return Task.FromResult(new ActionResult<T>(result));
        }
    }

    /// <summary>
    /// A value read under the state lock, for handlers that do the rest of their work outside it. A read changes
    /// nothing, so what it recorded (the trace store records every trace it hands out) is forgotten rather than
    /// written again by the next change's commit.
    /// </summary>
    private T ReadNow<T>(Func<T> read)
    {
        lock (state.Gate)
        {
            try
            {
                return read();
            }
            finally
            {
                state.Discard();
            }
        }
    }

    /// <summary><see cref="Write{T}"/> for a change without an answer.</summary>
    private void Write(Action change) => Write<bool>(() =>
    {
        change();
        return true;
    });

    /// <summary>Runs <paramref name="action"/> once the current write is committed (webhook deliveries); never if it fails.</summary>
    private void AfterCommit(Action action) => afterCommit.Add(action);

    /// <summary>An answer that is not a DTO (a file, a text body).</summary>
    private static Task<IActionResult> Raw(IActionResult result) => Task.FromResult(result);
}
