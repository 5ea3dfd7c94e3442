using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // What the facade emitter writes, derived by Planning/FacadePlanner from the spec, its Kiota plan and the facade
    // description. Value-equatable; types are TypeUse references and modes are enums: only the emitter renders C#.

    /// <summary>Where a facade parameter's value goes on the wire.</summary>
    internal enum FacadeTarget
    {
        Path,
        Query,
        Header,
        BodyField,
        /// <summary>The raw request body (a stream).</summary>
        StreamBody,
        /// <summary>The whole JSON body (a list or any JSON).</summary>
        WholeBody,
    }

    /// <summary>The part a parameter plays in a paged method.</summary>
    internal enum FacadePagingRole
    {
        None,
        /// <summary>The page token: on the method, the token to start from; on the wire, each page's token.</summary>
        PageToken,
        /// <summary>The page size: on the method, the cap on the total number of items; on the wire, each page's size.</summary>
        PageSize,
    }

    /// <summary>How parameter values are checked before anything is sent.</summary>
    internal enum FacadeCheck
    {
        None,
        /// <summary><c>ArgumentNullException</c> when null.</summary>
        NotNull,
        /// <summary><c>ArgumentException</c> when null or empty (ids, names, keys, path values).</summary>
        NotNullOrEmpty,
    }

    /// <summary>One parameter of a facade method.</summary>
    /// <param name="CsName">The C# parameter name (may start with <c>@</c>).</param>
    /// <param name="Type">The wire type (for lists: the array type; <see cref="FacadeConversion.Dictionary"/>: the list of tag messages).</param>
    /// <param name="Required">Positional, non-null, no default.</param>
    /// <param name="Visible">False for body fields filled from a path parameter of the same name.</param>
    /// <param name="Target">Where the value goes.</param>
    /// <param name="WireName">The spec name.</param>
    /// <param name="Member">The Kiota member set: template variable (path), query property, body property; header name.</param>
    /// <param name="MemberPresence">The body property's presence (decides how an optional value is assigned).</param>
    /// <param name="DefaultMember">For an enum constant default: the enum member's C# name.</param>
    internal sealed record FacadeParameterPlan(
        string CsName,
        TypeUse Type,
        bool Required,
        bool Visible,
        FacadeTarget Target,
        string WireName,
        string Member,
        Presence MemberPresence,
        FacadeConversion Conversion,
        FacadeDefaultKind Default,
        string? DefaultJson,
        string? DefaultMember,
        FacadePagingRole Role,
        FacadeCheck Check,
        string Doc,
        string? AndClause = null);

    /// <summary>How a facade method turns the Kiota answer into its result.</summary>
    internal enum FacadeResultKind
    {
        /// <summary>Nothing is returned.</summary>
        None,
        /// <summary>The response model itself.</summary>
        Whole,
        /// <summary>One field of the response model.</summary>
        Field,
        /// <summary>A list answer (a JSON array body).</summary>
        Collection,
        /// <summary>Untyped JSON.</summary>
        Untyped,
        /// <summary>Raw bytes.</summary>
        Stream,
        /// <summary>A text answer (<c>text/plain</c>), read as a string.</summary>
        Text,
        /// <summary>A pageable sequence of the page's items.</summary>
        Paged,
    }

    /// <summary>The result of a facade method.</summary>
    /// <param name="Type">The returned value's wire type (the response model, the field's type, the item type...).</param>
    /// <param name="Member">For <see cref="FacadeResultKind.Field"/>: the response property.</param>
    /// <param name="WireName">Its wire name (for messages).</param>
    /// <param name="Presence">For fields: the property's presence (decides nullability).</param>
    internal sealed record FacadeResultPlan(FacadeResultKind Kind, TypeUse? Type, string? Member, string? WireName, Presence Presence);

    /// <summary>Paging of a facade method (from <c>x-mlflow-pagination</c>).</summary>
    /// <param name="ItemType">The element type.</param>
    /// <param name="ItemsMember">The response property holding the page's items.</param>
    /// <param name="NextTokenMember">The response property holding the next token.</param>
    /// <param name="DefaultPageSize">A page size always sent when the caller gives none.</param>
    internal sealed record FacadePagingPlan(TypeUse ItemType, string ItemsMember, string NextTokenMember, int? DefaultPageSize);

    /// <summary>One facade method.</summary>
    internal sealed record FacadeMethodPlan(
        string Name,
        string OperationId,
        string HttpMethod,
        string Path,
        string? Since,
        bool Deprecated,
        string Summary,
        string ReturnsDoc,
        BuilderRef Builder,
        bool BuilderIsRoot,
        string BuilderMethod,
        TypeUse? BodyModel,
        EquatableArray<FacadeParameterPlan> Parameters,
        FacadeResultPlan Result,
        FacadePagingPlan? Paging,
        NotFoundBehavior NotFound,
        bool Described);

    /// <summary>A generated client class: the top-level client or a sub-client.</summary>
    /// <param name="Property">The property of the top-level client that returns it; null for the top-level client.</param>
    internal sealed record FacadeClientPlan(string Namespace, string ClassName, string? Property, string Summary);

    /// <summary>The methods of one client and area (one file).</summary>
    internal sealed record FacadeFilePlan(FacadeClientPlan Client, string Area, EquatableArray<FacadeMethodPlan> Methods);

    /// <summary>An operation with a facade method: where it is.</summary>
    internal sealed record FacadeCatalogEntry(string OperationId, string Client, string Method, bool Described);

    /// <summary>An operation the facade does not wrap, and why.</summary>
    internal sealed record FacadeSkipPlan(string OperationId, string Reason);

    /// <summary>Facade-wide values: the sub-client properties and the catalog of wrapped and skipped operations.</summary>
    internal sealed record FacadeSupportPlan(
        FacadeClientPlan Root,
        EquatableArray<FacadeClientPlan> SubClients,
        int OperationCount,
        EquatableArray<FacadeCatalogEntry> Wrapped,
        EquatableArray<FacadeSkipPlan> Skipped);

    /// <summary>Everything the facade emitter writes, and the planner's diagnostics.</summary>
    internal sealed record FacadePlan(FacadeSupportPlan Support, EquatableArray<FacadeFilePlan> Files, EquatableArray<DiagnosticInfo> Diagnostics);
}
