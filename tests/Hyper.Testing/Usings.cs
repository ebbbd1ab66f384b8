global using Hyper.Oci;

global using Xunit;
