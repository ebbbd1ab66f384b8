namespace Hyper.Registry.Metadata;

/// <summary>
/// One step of a metadata database's schema: applied once, in order, inside the transaction that
/// records <see cref="Version"/> in <c>schema_version</c>.
/// </summary>
/// <param name="Version">Its number; versions start at 1 and have no gaps.</param>
/// <param name="Description">What it changes, for the version table and for people reading it.</param>
/// <param name="Sql">The statements, separated by semicolons.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
