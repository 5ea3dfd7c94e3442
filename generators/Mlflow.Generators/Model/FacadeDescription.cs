using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // The reviewed facade description (spec/facade/*.facade.json, format in spec/facade/README.md), as parsed by
    // Parser/FacadeDescriptionParser: which C# method each operation gets, in which order its parameters come, which
    // wire fields it hides, the defaults the client computes, what it returns, and the documentation text.
    // Value-equatable records only; positions travel as file/pointer/line/column values for diagnostics.

    /// <summary>Where an entry of the description was written.</summary>
    internal sealed record SourcePosition(string FilePath, string Pointer, int Line, int Column);

    /// <summary>How a facade parameter's value is converted into the wire field.</summary>
    internal enum FacadeConversion
    {
        /// <summary>As is (lists are copied from an <c>IEnumerable&lt;T&gt;</c>).</summary>
        None,
        /// <summary>A dictionary of strings turned into the wire's list of <c>{key, value}</c> messages (tags).</summary>
        Dictionary,
    }

    /// <summary>What the client sends when the caller leaves an optional parameter out.</summary>
    internal enum FacadeDefaultKind
    {
        /// <summary>Nothing: the field is left out.</summary>
        None,
        /// <summary>The current time in milliseconds since the Unix epoch, computed when the call is made.</summary>
        NowMillis,
        /// <summary>A constant (<see cref="FacadeParameterEntry.DefaultJson"/>), written as the parameter's C# default.</summary>
        Constant,
    }

    /// <summary>What a method does when MLflow answers that the resource does not exist.</summary>
    internal enum NotFoundBehavior
    {
        /// <summary>Throws <c>MlflowNotFoundException</c>, like every call.</summary>
        Throw,
        /// <summary>Returns <see langword="null"/> on <c>RESOURCE_DOES_NOT_EXIST</c> (Python returns None).</summary>
        ReturnNull,
        /// <summary>Also returns <see langword="null"/> on MLflow's 400 for an unknown registered-model alias.</summary>
        ReturnNullIncludingUnknownAlias,
    }

    /// <summary>One parameter of a described method, in positional order.</summary>
    /// <param name="Field">The wire name of the field, query or path parameter (<c>$body</c>: the raw request body).</param>
    /// <param name="Name">The C# parameter name, or null for camelCase of <paramref name="Field"/>.</param>
    /// <param name="Optional">Optional parameters have a default; the rest are required, positional and non-null.</param>
    /// <param name="Conversion">How the value becomes the wire field.</param>
    /// <param name="Default">What is sent when the caller leaves it out.</param>
    /// <param name="DefaultJson">For <see cref="FacadeDefaultKind.Constant"/>: the value as JSON (number, string, bool, enum wire name).</param>
    /// <param name="Doc">Documentation of this parameter for this method (overrides the docs file).</param>
    /// <param name="AndClause">For a filter field: a clause the client always adds (<c>filter AND clause</c>), as Python's client does.</param>
    internal sealed record FacadeParameterEntry(string Field, string? Name, bool Optional, FacadeConversion Conversion, FacadeDefaultKind Default, string? DefaultJson, string? Doc, SourcePosition Position, string? AndClause = null);

    /// <summary>One described facade method.</summary>
    /// <param name="OperationId">The spec operation it calls.</param>
    /// <param name="Name">The C# method name without the <c>Async</c> suffix.</param>
    /// <param name="Client">The sub-client key (<c>Auth</c>, ...), or null for <c>MlflowClient</c> itself.</param>
    /// <param name="Parameters">Positional parameters; wire inputs not listed and not hidden are appended as optional.</param>
    /// <param name="Hidden">Wire inputs the method never sends (deprecated aliases, UI-only knobs).</param>
    /// <param name="Returns">The response field returned (wire name), <c>*</c> for the whole answer, or null for nothing. Paged operations return their items.</param>
    /// <param name="NotFound">What happens when the resource does not exist.</param>
    /// <param name="PageSize">A page size always sent when the caller gives none (for servers that only page when asked).</param>
    /// <param name="Summary">The method's documentation (overrides the docs file).</param>
    /// <param name="ReturnsDoc">The documentation of what is returned (overrides the docs file).</param>
    internal sealed record FacadeMethodEntry(
        string OperationId,
        string Name,
        string? Client,
        EquatableArray<FacadeParameterEntry> Parameters,
        EquatableArray<string> Hidden,
        string? Returns,
        NotFoundBehavior NotFound,
        int? PageSize,
        string? Summary,
        string? ReturnsDoc,
        SourcePosition Position);

    /// <summary>A sub-client: administration areas live on their own class (<c>mlflow.Auth</c>).</summary>
    /// <param name="Key">The key methods name in <see cref="FacadeMethodEntry.Client"/>.</param>
    /// <param name="ClassName">The generated class (<c>MlflowAuthClient</c>).</param>
    /// <param name="Property">The property on the top-level client (<c>Auth</c>).</param>
    /// <param name="Tags">Spec tags whose undescribed operations fall back to this client.</param>
    /// <param name="Summary">The class documentation.</param>
    internal sealed record FacadeClientEntry(string Key, string ClassName, string Property, EquatableArray<string> Tags, string Summary, SourcePosition Position);

    /// <summary>An operation that deliberately gets no facade method (it stays reachable through the Kiota-level client).</summary>
    internal sealed record FacadeSkipEntry(string OperationId, string Reason, SourcePosition Position);

    /// <summary>A documentation text for a wire field (glossary) or for a field of one operation.</summary>
    internal sealed record FacadeFieldDoc(string Field, string Text);

    /// <summary>The documentation of one operation (from the docs file).</summary>
    internal sealed record FacadeOperationDoc(string OperationId, string? Summary, string? Returns, EquatableArray<FacadeFieldDoc> Parameters);

    /// <summary>The whole description: every <c>*.facade.json</c> file merged.</summary>
    /// <param name="ReviewedAgainst">The MLflow version the description was reviewed against; against an older spec, entries naming absent operations or fields are skipped with an info diagnostic instead of an error.</param>
    /// <param name="SkippedTags">Spec tags whose operations get no facade method, with the reason.</param>
    internal sealed record FacadeDescription(
        string? ReviewedAgainst,
        EquatableArray<FacadeClientEntry> Clients,
        EquatableArray<FacadeSkipEntry> Skips,
        EquatableArray<FacadeFieldDoc> SkippedTags,
        EquatableArray<FacadeMethodEntry> Methods,
        EquatableArray<FacadeFieldDoc> Glossary,
        EquatableArray<FacadeOperationDoc> Docs,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public static readonly FacadeDescription Empty = new FacadeDescription(
            null,
            EquatableArray<FacadeClientEntry>.Empty,
            EquatableArray<FacadeSkipEntry>.Empty,
            EquatableArray<FacadeFieldDoc>.Empty,
            EquatableArray<FacadeMethodEntry>.Empty,
            EquatableArray<FacadeFieldDoc>.Empty,
            EquatableArray<FacadeOperationDoc>.Empty,
            EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>The path and text of one description file (value-equatable).</summary>
    internal sealed record FacadeText(string Path, string Text);
}
