/** Service interfaces that let a framework supply preset builders (LangChain4j's SPI pattern). */
package ai.spikelm.langchain4j.spi;
