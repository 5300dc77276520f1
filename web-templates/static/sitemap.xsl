<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows piwheels' sitemaps (index and URL sets) as a readable page in a browser. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <title>piwheels - Sitemap</title>
        <link rel="stylesheet" href="/styles.css"/>
      </head>
      <body>
        <main class="wrap">
          <h1>Sitemap</h1>
          <xsl:apply-templates select="sm:sitemapindex | sm:urlset"/>
        </main>
      </body>
    </html>
  </xsl:template>
  <xsl:template match="sm:sitemapindex">
    <p><xsl:value-of select="count(sm:sitemap)"/> sitemaps.</p>
    <table>
      <thead><tr><th>Sitemap</th><th>Last modified</th></tr></thead>
      <tbody>
        <xsl:for-each select="sm:sitemap">
          <tr>
            <td><a href="{sm:loc}"><xsl:value-of select="sm:loc"/></a></td>
            <td><xsl:value-of select="sm:lastmod"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
  <xsl:template match="sm:urlset">
    <p><xsl:value-of select="count(sm:url)"/> pages.</p>
    <table>
      <thead><tr><th>Page</th></tr></thead>
      <tbody>
        <xsl:for-each select="sm:url">
          <tr><td><a href="{sm:loc}"><xsl:value-of select="sm:loc"/></a></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
